import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

/// The `cgroup` mount type: with a cgroup namespace or on a v2 host a real cgroup2/cgroup mount; on v1
/// without one, a tmpfs holding read-only binds of the container's own cgroup in each hierarchy (runc's way).
struct CgroupMount {
    let config: InitConfig
    let root: SafeRoot

    func mount(_ m: Mount) throws(SyscallError) {
        let opts = MountOptions(m.options, type: m.type)
        let flags = opts.flags & ~UInt(MS_BIND)
        let target = try root.ensure(m.destination)
        defer { close(target) }
        if isUnifiedHost {
            try mountCall("cgroup2", procFdPath(target), "cgroup2", flags, nil, context: m.destination)
            return
        }
        try mountCall("tmpfs", procFdPath(target), "tmpfs", UInt(MS_NOSUID) | UInt(MS_NOEXEC) | UInt(MS_NODEV), "mode=755",
                      context: m.destination)
        for (subsystem, hostPath) in hierarchies() {
            let dest = m.destination + "/" + subsystem
            let dir = try root.ensure(dest)
            defer { close(dir) }
            let source = config.cgroupPaths[subsystem] ?? hostPath
            guard FileSystem.isDirectory(source) else { continue }
            try mountCall(source, procFdPath(dir), "bind", UInt(MS_BIND) | UInt(MS_REC), nil, context: dest)
            let again = try root.open(dest)
            defer { close(again) }
            try mountCall(nil, procFdPath(again), nil, UInt(MS_REMOUNT) | UInt(MS_BIND) | flags | UInt(MS_NOSUID) | UInt(MS_NOEXEC) | UInt(MS_NODEV),
                          nil, context: dest)
        }
        // runc leaves the tmpfs itself writable; only the hierarchy binds carry the mount's flags.
        try comountLinks(m.destination)
    }

    private var isUnifiedHost: Bool { FileSystem.exists("/sys/fs/cgroup/cgroup.controllers") }

    /// Host v1 hierarchies (name under /sys/fs/cgroup, path) in mountinfo order, as runc mounts them.
    private func hierarchies() -> [(String, String)] {
        CgroupManager.v1MountPoints().map { ($0.name, $0.path) }
    }

    /// Symlinks such as cpu -> cpu,cpuacct for co-mounted controllers.
    private func comountLinks(_ base: String) throws(SyscallError) {
        let names = ((try? FileSystem.listDirectory("/sys/fs/cgroup")) ?? [])
        for name in names {
            var st = stat()
            guard lstat("/sys/fs/cgroup/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { continue }
            var buf = [CChar](repeating: 0, count: 256)
            let n = readlink("/sys/fs/cgroup/" + name, &buf, 255)
            guard n > 0 else { continue }
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let dirO = try root.ensure(base)
            defer { close(dirO) }
            let dir = try Syscall.check("open", base) { open(procFdPath(dirO), O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            defer { close(dir) }
            _ = symlinkat(target, dir, name)
        }
    }
}
