import Glibc
import OCISpec
import RuneSystem

/// A container's cgroups: one directory per v1 hierarchy (plus the cgroup2 one on a hybrid host), or a
/// single cgroup2 directory on a pure v2 host. The manager is only its `paths`, so it can be rebuilt
/// from state.json; the version follows from the keys (only "unified" ⇒ cgroup v2).
public struct CgroupManager: Sendable {
    /// Key → absolute directory. v1 keys are subsystem names ("memory", "cpu", "systemd" for
    /// name=systemd); "unified" is the cgroup2 directory.
    public let paths: [String: String]

    public init(paths: [String: String]) { self.paths = paths }

    /// Works out the container's cgroup directories from the mounts under `root` and the cgroups
    /// of this process. `mountInfo` and `procSelfCgroup` default to /proc/self/{mountinfo,cgroup}.
    public static func load(cgroupsPath: String?, containerID: String, root: String = "/sys/fs/cgroup",
                            mountInfo: String? = nil, procSelfCgroup: String? = nil) throws(CgroupError) -> CgroupManager {
        try plan(cgroupsPath: cgroupsPath, containerID: containerID, root: root, mountInfo: mountInfo,
                 procSelfCgroup: procSelfCgroup).manager
    }

    /// `load`, and the names of `v1MountPoints`, from one parse of the mount table.
    public static func plan(cgroupsPath: String?, containerID: String, root: String = "/sys/fs/cgroup", mountInfo: String? = nil,
                            procSelfCgroup: String? = nil) throws(CgroupError) -> (manager: CgroupManager, v1Hierarchies: [String]) {
        let mounts = MountInfo.entries(try orRead(mountInfo, "/proc/self/mountinfo"), fsTypePrefix: "cgroup")
        let layout = try CgroupLayout.detect(root: root, cgroupMounts: mounts)
        let own = ProcCgroup(parsing: try orRead(procSelfCgroup, "/proc/self/cgroup"))
        let paths = try CgroupPaths.compute(layout: layout, cgroupsPath: cgroupsPath, containerID: containerID, own: own)
        return (CgroupManager(paths: paths), v1MountPoints(root: root, cgroupMounts: mounts).map(\.name))
    }

    /// The layout found under `root` (for `rune features` and diagnostics).
    public static func layoutKind(root: String = "/sys/fs/cgroup", mountInfo: String? = nil) throws(CgroupError) -> CgroupLayoutKind {
        try CgroupLayout.detect(root: root, mountInfo: try orRead(mountInfo, "/proc/self/mountinfo")).kind
    }

    /// The v1 hierarchies mounted directly under `root` (name, mount point), in mountinfo order: what a
    /// container's own /sys/fs/cgroup mirrors.
    public static func v1MountPoints(root: String = "/sys/fs/cgroup", mountInfo: String? = nil) -> [(name: String, path: String)] {
        guard let text = try? orRead(mountInfo, "/proc/self/mountinfo") else { return [] }
        return v1MountPoints(root: root, cgroupMounts: MountInfo.entries(text, fsTypePrefix: "cgroup"))
    }

    static func v1MountPoints(root: String, cgroupMounts: [MountInfo.Entry]) -> [(name: String, path: String)] {
        var out: [(name: String, path: String)] = []
        for entry in cgroupMounts where entry.fsType == "cgroup" && entry.mountPoint.hasBytePrefix(root + "/") {
            let name = String(entry.mountPoint.dropFirst(root.count + 1))
            if !out.contains(where: { $0.name == name }) { out.append((name, entry.mountPoint)) }
        }
        return out
    }

    private static func orRead(_ given: String?, _ path: String) throws(CgroupError) -> String {
        if let given { return given }
        return try CgroupFiles.read(path)
    }

    /// The key of the cgroup2 directory in `paths`.
    public static let unifiedKey = CgroupPaths.unifiedKey

    /// True on a pure cgroup v2 host.
    public var isUnified: Bool { paths.count == 1 && paths[CgroupPaths.unifiedKey] != nil }

    var unifiedPath: String? { paths[CgroupPaths.unifiedKey] }

    /// Directories in runc's subsystem order, the cgroup2 one last.
    var orderedPaths: [(key: String, path: String)] {
        let order = CgroupLayout.knownSubsystems.map(CgroupPaths.key) + [CgroupPaths.unifiedKey]
        let known = order.compactMap { key in paths[key].map { (key: key, path: $0) } }
        let others = paths.filter { !order.contains($0.key) }.sorted { $0.key < $1.key }.map { (key: $0.key, path: $0.value) }
        return known + others
    }

    /// Makes every directory. cpuset directories get cpus/mems copied from their parent (an empty
    /// cpuset cannot take tasks); on pure v2 every ancestor enables its controllers for its children.
    public func create() throws(CgroupError) {
        var made: [String] = []
        try create(where: { _ in true }, made: &made)
    }

    /// `create` for the keys `include` accepts ("unified" is the cgroup2 directory; rune makes it first
    /// when the container process places itself in the v1 ones later, see Launch). Every directory made,
    /// parents included, is appended to `made`, also when it fails part way.
    public func create(where include: (String) -> Bool, made: inout [String]) throws(CgroupError) {
        if isUnified, let dir = unifiedPath {
            if include(CgroupPaths.unifiedKey) { try UnifiedTree.create(dir, made: &made) }
            return
        }
        for (key, path) in orderedPaths where include(key) {
            if key == "cpuset" {
                try CpusetTree.create(path, made: &made)
            } else {
                try CgroupFiles.makeDirectory(path, made: &made)
            }
        }
    }

    /// For an unprivileged user (runc's rootless behaviour): makes the directories it may and returns
    /// a manager of just those; a hierarchy it may not write (EACCES, EPERM, EROFS) is left out
    /// instead of failing. Pair with `apply(_:deviceRules: false)`.
    public func createPermitted() throws(CgroupError) -> CgroupManager {
        var made: [String: String] = [:]
        for (key, path) in orderedPaths {
            do {
                if isUnified { try UnifiedTree.create(path) } else if key == "cpuset" { try CpusetTree.create(path) } else {
                    try CgroupFiles.makeDirectory(path)
                }
                made[key] = path
            } catch {
                guard let errno = error.errno, [EACCES, EPERM, EROFS].contains(errno) else { throw error }
            }
        }
        return CgroupManager(paths: made)
    }

    /// Moves a process into every hierarchy (the cgroup2 one too on hybrid hosts, as runc does).
    public func add(pid: Int32) throws(CgroupError) {
        for (_, path) in orderedPaths { try CgroupFiles.write(path + "/cgroup.procs", String(pid)) }
    }

    /// What a new process needs to place itself (nsexec.c does it): the v1 `tasks` files it writes
    /// "0" to, and the cgroup2 directory it is cloned into.
    public var selfPlacement: (tasks: [String], unifiedDir: String?) {
        let tasks = orderedPaths.filter { $0.key != CgroupPaths.unifiedKey }.map { $0.path + "/tasks" }
        return (tasks, unifiedPath)
    }

    /// Writes all of `linux.resources`. Device rules get runc's default allow list appended (the
    /// devices every container may use: null, zero, full, tty, random, urandom, pts, ptmx, tun).
    /// Returns warnings for settings that are accepted but ignored (kernel memory).
    @discardableResult
    public func apply(_ resources: LinuxResources?) throws(CgroupError) -> [String] {
        try apply(resources, deviceRules: true)
    }

    /// `deviceRules: false` leaves the device controller alone, as runc does for rootless containers.
    @discardableResult
    public func apply(_ resources: LinuxResources?, deviceRules: Bool) throws(CgroupError) -> [String] {
        let rules = deviceRules ? (resources?.devices ?? []) + DeviceRules.defaultAllowed : nil
        return try write(resources, deviceRules: rules)
    }

    /// Writes the fields that are set in `resources`; device rules are left as they are (as `runc update`).
    @discardableResult
    public func update(_ resources: LinuxResources) throws(CgroupError) -> [String] {
        try write(resources, deviceRules: nil)
    }

    private func write(_ resources: LinuxResources?, deviceRules: [LinuxDeviceCgroup]?) throws(CgroupError) -> [String] {
        if isUnified, let dir = unifiedPath {
            var plan = UnifiedPlan(dir: dir)
            try plan.add(resources, deviceRules: deviceRules)
            try plan.execute()
            return plan.warnings
        }
        var plan = LegacyPlan(paths: paths)
        try plan.add(resources)
        // Devices go first, as in runc, and use their own transition logic.
        if let deviceRules, let dir = paths["devices"] {
            try DeviceRules.applyLegacy(try DeviceRules.parse(deviceRules), dir: dir)
        }
        try plan.execute()
        return plan.warnings
    }

    /// Every process in the container's cgroup and its child cgroups. A missing cgroup has none.
    public func pids() throws(CgroupError) -> [Int32] {
        guard let dir = paths["devices"] ?? paths["memory"] ?? paths["pids"] ?? unifiedPath ?? paths.values.first else {
            return []
        }
        return try Self.pids(in: dir)
    }

    private static func pids(in dir: String) throws(CgroupError) -> [Int32] {
        guard FileSystem.isDirectory(dir) else { return [] }
        var out = try CgroupFiles.read(dir + "/cgroup.procs").split(separator: "\n").compactMap { Int32($0) }
        for child in CgroupFiles.childCgroups(dir) { out += try pids(in: child) }
        return out
    }

    /// How many times the kernel's OOM killer killed a process in the container.
    public func oomKillCount() -> UInt64 {
        if let memory = paths["memory"] { return CgroupFiles.readKeyValues(memory + "/memory.oom_control")["oom_kill"] ?? 0 }
        if let dir = unifiedPath { return CgroupFiles.readKeyValues(dir + "/memory.events")["oom_kill"] ?? 0 }
        return 0
    }

    /// Removes every directory (child cgroups first). Missing directories are fine; processes are not
    /// killed here: a cgroup that still has tasks fails with EBUSY after a few brief retries.
    public func destroy() throws(CgroupError) {
        var firstError: CgroupError?
        for (_, path) in orderedPaths {
            do { try CgroupFiles.removeCgroup(path) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}
