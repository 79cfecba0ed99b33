import Glibc
import OCISpec
import RuneSystem

/// Device nodes and /dev symlinks, as runc creates them: its default set plus `linux.devices`.
struct DeviceSetup {
    let config: InitConfig
    let root: SafeRoot

    static let defaults: [LinuxDevice] = [
        LinuxDevice(path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0),
        LinuxDevice(path: "/dev/zero", type: "c", major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0),
        LinuxDevice(path: "/dev/full", type: "c", major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0),
        LinuxDevice(path: "/dev/random", type: "c", major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0),
        LinuxDevice(path: "/dev/urandom", type: "c", major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0),
        LinuxDevice(path: "/dev/tty", type: "c", major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0),
    ]

    /// /dev bind-mounted from the host is left as it is.
    private var devIsBind: Bool {
        (config.spec.mounts ?? []).contains { $0.destination == "/dev" && MountOptions($0.options, type: $0.type).isBind }
    }

    private var inUserNamespace: Bool {
        (config.spec.linux?.namespaces ?? []).contains { $0.type == "user" }
    }

    func create() throws(SyscallError) {
        guard !devIsBind else { return }
        let old = umask(0)
        defer { umask(old) }
        var seen = Set<String>()
        var dirs: [String: Int32] = [:]  // parent directory → open fd, so /dev is resolved once
        defer { for fd in dirs.values { close(fd) } }
        for device in (config.spec.linux?.devices ?? []) + Self.defaults where !seen.contains(device.path) {
            seen.insert(device.path)
            try createNode(device, dirs: &dirs)
        }
        try symlinks(dev: try directory("/dev", &dirs))
    }

    private func directory(_ path: String, _ dirs: inout [String: Int32]) throws(SyscallError) -> Int32 {
        if let fd = dirs[path] { return fd }
        let dirO = try root.ensure(path)
        defer { close(dirO) }
        let fd = try Syscall.check("open", path) { open(procFdPath(dirO), O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        dirs[path] = fd
        return fd
    }

    private func createNode(_ device: LinuxDevice, dirs: inout [String: Int32]) throws(SyscallError) {
        let parent = String(device.path[..<(device.path.lastIndex(of: "/") ?? device.path.startIndex)])
        let name = String(device.path.split(separator: "/").last ?? "")
        let dir = try directory(parent.isEmpty ? "/" : parent, &dirs)
        if inUserNamespace {
            try bindHostDevice(device, dir: dir, name: name)
            return
        }
        var mode = mode_t(device.fileMode ?? 0o666) & 0o7777
        switch device.type {
        case "c", "u": mode |= S_IFCHR
        case "b": mode |= S_IFBLK
        case "p": mode |= S_IFIFO
        default: throw SyscallError(name: "mknod", errno: EINVAL, context: "\(device.path): device type \(device.type)")
        }
        let dev = makedev(UInt32(device.major), UInt32(device.minor))
        if mknodat(dir, name, mode, dev) != 0 {
            guard errno == EEXIST else { throw SyscallError(name: "mknod", errno: errno, context: device.path) }
            unlinkat(dir, name, 0)
            try Syscall.check("mknod", device.path) { mknodat(dir, name, mode, dev) }
        }
        try Syscall.check("chown", device.path) { fchownat(dir, name, device.uid ?? 0, device.gid ?? 0, Int32(AT_SYMLINK_NOFOLLOW)) }
    }

    /// In a user namespace mknod is not allowed: bind the host's node instead, as runc does.
    private func bindHostDevice(_ device: LinuxDevice, dir: Int32, name: String) throws(SyscallError) {
        let f = openat(dir, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if f >= 0 { close(f) }
        let target = try root.open(device.path)
        defer { close(target) }
        try mountCall(device.path, procFdPath(target), "bind", UInt(MS_BIND), nil, context: device.path)
    }

    private func symlinks(dev: Int32) throws(SyscallError) {
        var links = [("/proc/self/fd", "fd"), ("/proc/self/fd/0", "stdin"), ("/proc/self/fd/1", "stdout"), ("/proc/self/fd/2", "stderr")]
        if FileSystem.exists("/proc/kcore") { links.append(("/proc/kcore", "core")) }
        for (target, name) in links {
            if symlinkat(target, dev, name) != 0 && errno != EEXIST {
                throw SyscallError(name: "symlink", errno: errno, context: "/dev/\(name)")
            }
        }
        unlinkat(dev, "ptmx", 0)
        try Syscall.check("symlink", "/dev/ptmx") { symlinkat("pts/ptmx", dev, "ptmx") }
    }
}

private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
    var dev = dev_t(major & 0x00000fff) << 8
    dev |= dev_t(major & 0xfffff000) << 32
    dev |= dev_t(minor & 0x000000ff)
    dev |= dev_t(minor & 0xffffff00) << 12
    return dev
}
