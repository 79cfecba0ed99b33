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
        // directories are made right under its root and reached by path through its fd, without a walk
        // through the rootfs (and the remount finds the bind mount on top, as a path lookup does).
        let tmpfs = try root.open(m.destination, flags: RUNE_O_PATH | O_DIRECTORY | O_CLOEXEC)
        defer { close(tmpfs) }
        let tmpfsPath = procFdPath(tmpfs) + "/"
        let ownNamespace = config.spec.linux?.namespaces?.contains { $0.type == "cgroup" } ?? false
        let names = hierarchies()
        for (subsystem, hostPath) in names {
            let dest = m.destination + "/" + subsystem
            try Syscall.check("mkdir", dest) { mkdirat(tmpfs, subsystem, 0o755) }
            let dir = tmpfsPath + subsystem
            if ownNamespace {
                try mountHierarchy(subsystem, at: dir, flags: flags, dest: dest)
                continue
            }
            // A hierarchy without the container's cgroup that the host lacks is skipped (ENOENT).
            let source = config.cgroupPaths[subsystem] ?? hostPath
            do { try mountCall(source, dir, "bind", UInt(MS_BIND) | UInt(MS_REC), nil, context: dest) } catch {
                if error.errno == ENOENT { continue }
                throw error
            }
            try mountCall(nil, dir, nil, UInt(MS_REMOUNT) | UInt(MS_BIND) | flags | UInt(MS_NOSUID) | UInt(MS_NOEXEC) | UInt(MS_NODEV),
                          nil, context: dest)
        }
        // runc leaves the tmpfs itself writable; only the hierarchy binds carry the mount's flags.
        comountLinks(names.map(\.0), into: tmpfs)
    }

    /// In a cgroup namespace the hierarchy itself is mounted, rooted at the namespace's cgroup (as runc
    /// does; the named systemd hierarchy gets "systemd" as its source, like runc's).
    private func mountHierarchy(_ subsystem: String, at dir: String, flags: UInt, dest: String) throws(SyscallError) {
        let named = subsystem == "systemd"
        try mountCall(named ? "systemd" : "cgroup", dir, "cgroup",
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

    /// Symlinks such as cpu -> cpu,cpuacct for each controller of a co-mounted hierarchy, as runc makes them.
    private func comountLinks(_ names: [String], into dir: Int32) {
        for (link, target) in Self.comountLinks(names) { _ = symlinkat(target, dir, link) }
    }

    /// (link, target) for every controller of a co-mounted hierarchy name.
    static func comountLinks(_ names: [String]) -> [(String, String)] {
        var links: [(String, String)] = []
        for name in names where name.utf8.contains(UInt8(ascii: ",")) {
            for part in name.split(separator: ",") where !part.isEmpty { links.append((String(part), name)) }
        }
        return links
    }
}
