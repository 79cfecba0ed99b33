import CRuneLinux
import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

/// The `cgroup` mount type: on a v2 host a cgroup2 mount; on v1 a tmpfs holding, per hierarchy, the
/// hierarchy mounted afresh in a cgroup namespace, else a read-only bind of the container's own cgroup (runc's way).
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
        // The tmpfs is new and nothing else reaches it yet, so it holds no symlinks: the hierarchy
        // directories are made and opened right under its root, without a walk through the rootfs.
        let tmpfs = try root.open(m.destination, flags: RUNE_O_PATH | O_DIRECTORY | O_CLOEXEC)
        defer { close(tmpfs) }
        let ownNamespace = config.spec.linux?.namespaces?.contains { $0.type == "cgroup" } ?? false
        for (subsystem, hostPath) in hierarchies() {
            let dest = m.destination + "/" + subsystem
            try Syscall.check("mkdir", dest) { mkdirat(tmpfs, subsystem, 0o755) }
            let dir = try Self.openEntry(subsystem, in: tmpfs, dest: dest)
            defer { close(dir) }
            if ownNamespace {
                try mountHierarchy(subsystem, at: dir, flags: flags, dest: dest)
                continue
            }
            let source = config.cgroupPaths[subsystem] ?? hostPath
            guard FileSystem.isDirectory(source) else { continue }
            try mountCall(source, procFdPath(dir), "bind", UInt(MS_BIND) | UInt(MS_REC), nil, context: dest)
            let again = try Self.openEntry(subsystem, in: tmpfs, dest: dest)  // now the bind mount's root
            defer { close(again) }
            try mountCall(nil, procFdPath(again), nil, UInt(MS_REMOUNT) | UInt(MS_BIND) | flags | UInt(MS_NOSUID) | UInt(MS_NOEXEC) | UInt(MS_NODEV),
                          nil, context: dest)
        }
        // runc leaves the tmpfs itself writable; only the hierarchy binds carry the mount's flags.
        comountLinks(into: tmpfs)
    }

    private static func openEntry(_ name: String, in dir: Int32, dest: String) throws(SyscallError) -> Int32 {
        try Syscall.check("open", dest) { openat(dir, name, RUNE_O_PATH | O_NOFOLLOW | O_CLOEXEC) }
    }

    /// In a cgroup namespace the hierarchy itself is mounted, rooted at the namespace's cgroup (as runc
    /// does; the named systemd hierarchy gets "systemd" as its source, like runc's).
    private func mountHierarchy(_ subsystem: String, at dir: Int32, flags: UInt, dest: String) throws(SyscallError) {
        let named = subsystem == "systemd"
        try mountCall(named ? "systemd" : "cgroup", procFdPath(dir), "cgroup",
                      (flags & UInt(MS_RDONLY)) | UInt(MS_NOSUID) | UInt(MS_NOEXEC) | UInt(MS_NODEV),
                      named ? "name=systemd" : subsystem, context: dest)
    }

    private var isUnifiedHost: Bool { FileSystem.exists("/sys/fs/cgroup/cgroup.controllers") }

    /// Host v1 hierarchies (name under /sys/fs/cgroup, path) in mountinfo order, as runc mounts them;
    /// rune sends them with the config, read from its own look at mountinfo.
    private func hierarchies() -> [(String, String)] {
        if let names = config.cgroupHierarchies { return names.map { ($0, "/sys/fs/cgroup/" + $0) } }
        return CgroupManager.v1MountPoints().map { ($0.name, $0.path) }
    }

    /// Symlinks such as cpu -> cpu,cpuacct for co-mounted controllers.
    private func comountLinks(into dir: Int32) {
        for name in (try? FileSystem.entries("/sys/fs/cgroup", ofType: S_IFLNK)) ?? [] {
            var buf = [CChar](repeating: 0, count: 256)
            let n = readlink("/sys/fs/cgroup/" + name, &buf, 255)
            guard n > 0 else { continue }
            _ = symlinkat(String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self), dir, name)
        }
    }
}
