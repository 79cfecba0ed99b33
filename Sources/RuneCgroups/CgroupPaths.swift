import RuneSystem

/// Where a container's cgroup lives in each hierarchy, worked out as runc 1.1's cgroupfs driver does:
/// - an absolute `cgroupsPath` is taken under each hierarchy's mount point;
/// - a relative one (and an empty one, which becomes the container id) is taken under the cgroup that
///   the calling process is in, per hierarchy (on pure v2: under the parent of that cgroup, because
///   a cgroup with processes in it cannot enable controllers for its children);
/// - on a hybrid host the cgroup2 path is always under the cgroup2 mount point itself.
enum CgroupPaths {
    /// The key of the cgroup2 directory in `CgroupManager.paths` (hybrid and pure v2).
    static let unifiedKey = "unified"

    static func compute(layout: CgroupLayout, cgroupsPath: String?, containerID: String,
                        own: ProcCgroup) throws(CgroupError) -> [String: String] {
        let inner = try innerPath(cgroupsPath, containerID: containerID)
        var paths: [String: String] = [:]
        if layout.kind == .unified, let mount = layout.unified {
            let base = inner.isAbsolute ? "/" : parent(try ownPath(own, "", mount))
            paths[unifiedKey] = FileSystem.normalize(mount.mountPoint + "/" + base + "/" + inner.path)
            return paths
        }
        for mount in layout.v1 {
            for subsystem in mount.subsystems {
                let base = inner.isAbsolute ? "/" : try ownPath(own, subsystem, mount)
                paths[key(subsystem)] = FileSystem.normalize(mount.mountPoint + "/" + base + "/" + inner.path)
            }
        }
        if let mount = layout.unified {
            paths[unifiedKey] = FileSystem.normalize(mount.mountPoint + "/" + inner.path)
        }
        return paths
    }

    /// The `paths` key of a v1 subsystem: its name, with "name=" dropped for named hierarchies
    /// ("systemd"), which is also the directory name under /sys/fs/cgroup.
    static func key(_ subsystem: String) -> String {
        subsystem.hasBytePrefix("name=") ? String(subsystem.dropFirst(5)) : subsystem
    }

    struct Inner {
        var isAbsolute: Bool
        var path: String
    }

    /// Cleans the path lexically; ".." never climbs above the hierarchy root (as runc's CleanPath).
    static func innerPath(_ cgroupsPath: String?, containerID: String) throws(CgroupError) -> Inner {
        let raw = cgroupsPath ?? ""
        if raw.isEmpty {
            guard !containerID.isEmpty, !containerID.contains("/"), containerID != ".", containerID != ".." else {
                throw .invalid(field: "container id", reason: "\"\(containerID)\" cannot name a cgroup")
            }
            return Inner(isAbsolute: false, path: containerID)
        }
        let cleaned = FileSystem.normalize(raw)
        guard cleaned != "/" else {
            throw .invalid(field: "linux.cgroupsPath", reason: "\"\(raw)\" names a hierarchy root, not a cgroup of its own")
        }
        return Inner(isAbsolute: raw.hasBytePrefix("/"), path: cleaned)
    }

    /// The calling process's cgroup in one hierarchy, relative to that hierarchy's mount.
    private static func ownPath(_ own: ProcCgroup, _ subsystem: String,
                                _ mount: CgroupMountPoint) throws(CgroupError) -> String {
        guard let path = own.paths[subsystem] else {
            let name = subsystem.isEmpty ? "the cgroup2 hierarchy" : subsystem
            throw .layout("/proc/self/cgroup has no entry for \(name)")
        }
        let root = mount.hierarchyRoot
        if root == "/" || root.isEmpty { return path }
        if path == root { return "/" }
        if path.hasBytePrefix(root + "/") { return String(path.dropFirst(root.count)) }
        return path
    }

    private static func parent(_ path: String) -> String {
        CgroupLayout.parentDirectory(FileSystem.normalize(path))
    }
}
