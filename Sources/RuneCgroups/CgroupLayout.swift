import RuneSystem

/// How the cgroup file systems under the root are arranged.
public enum CgroupLayoutKind: String, Sendable, Equatable {
    /// cgroup v1 controllers only.
    case legacy
    /// v1 controllers plus a cgroup2 mount without controllers (`<root>/unified`), as systemd's hybrid mode.
    case hybrid
    /// cgroup2 mounted at the root itself.
    case unified
}

/// One cgroup file system mounted under the root, from /proc/self/mountinfo.
struct CgroupMountPoint: Sendable, Equatable {
    var mountPoint: String
    /// The mount's root inside its hierarchy (not "/" inside a cgroup namespace or for a bind mount).
    var hierarchyRoot: String
    var isCgroup2: Bool
    /// v1 subsystems carried by this hierarchy, as runc names them ("cpu", "name=systemd"); empty for cgroup2.
    var subsystems: [String]
}

/// The cgroup file systems found under a root: what kind of layout, and where each hierarchy is.
public struct CgroupLayout: Sendable, Equatable {
    public let kind: CgroupLayoutKind
    let v1: [CgroupMountPoint]
    let unified: CgroupMountPoint?

    /// The v1 subsystems rune joins, in runc's order (which is also the order limits are written in).
    static let knownSubsystems = [
        "cpuset", "devices", "memory", "cpu", "cpuacct", "pids", "blkio", "hugetlb",
        "net_cls", "net_prio", "perf_event", "freezer", "rdma", "name=systemd",
    ]

    /// Finds the layout under `root` from the file system types in `mountInfo` (the text of /proc/self/mountinfo).
    static func detect(root: String, mountInfo: String) throws(CgroupError) -> CgroupLayout {
        try detect(root: root, cgroupMounts: MountInfo.entries(mountInfo, fsTypePrefix: "cgroup"))
    }

    /// `detect` from mountinfo entries already parsed (those of type cgroup and cgroup2 count).
    static func detect(root: String, cgroupMounts: [MountInfo.Entry]) throws(CgroupError) -> CgroupLayout {
        let root = FileSystem.normalize(root)
        var byPoint: [String: CgroupMountPoint] = [:]
        for entry in cgroupMounts where entry.fsType == "cgroup" || entry.fsType == "cgroup2" {
            let point = FileSystem.normalize(entry.mountPoint)
            guard point == root || parentDirectory(point) == root else { continue }
            let subsystems = entry.superOptions.utf8.split(separator: UInt8(ascii: ","))
                .map { String(decoding: $0, as: UTF8.self) }.filter { knownSubsystems.contains($0) }
            // A later line for the same mount point is mounted over the earlier one.
            byPoint[point] = CgroupMountPoint(mountPoint: point, hierarchyRoot: entry.root,
                                              isCgroup2: entry.fsType == "cgroup2", subsystems: subsystems)
        }
        if let top = byPoint[root] {
            guard top.isCgroup2 else { throw .layout("\(root) is a cgroup v1 hierarchy, expected a directory of hierarchies") }
            return CgroupLayout(kind: .unified, v1: [], unified: top)
        }
        let mounts = byPoint.values.sorted { $0.mountPoint < $1.mountPoint }
        let v1 = mounts.filter { !$0.isCgroup2 && !$0.subsystems.isEmpty }
        let unified = mounts.first { $0.isCgroup2 }
        guard !v1.isEmpty else {
            throw .layout("no cgroup v1 hierarchy or cgroup2 file system is mounted at or under \(root)")
        }
        return CgroupLayout(kind: unified == nil ? .legacy : .hybrid, v1: v1, unified: unified)
    }

    static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}

/// /proc/<pid>/cgroup: the process's cgroup in each hierarchy.
struct ProcCgroup {
    /// v1 subsystem ("memory", "name=systemd") → path; "" → the cgroup2 path.
    var paths: [String: String]

    init(parsing text: String) {
        var paths: [String: String] = [:]
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(decoding: parts[2], as: UTF8.self)
            if parts[1].isEmpty {
                paths[""] = path
            } else {
                for name in parts[1].split(separator: UInt8(ascii: ",")) { paths[String(decoding: name, as: UTF8.self)] = path }
            }
        }
        self.paths = paths
    }
}
