import CRuneLinux
import Glibc
import OCISpec
import RuneSystem

/// The namespace work nsexec.c does before Swift starts, built from the spec.
struct Bootstrap {
    var cloneFlags: Int32 = 0
    var namespacePaths: [(Int32, String)] = []
    var uidMap: String?
    var gidMap: String?
    var setgroupsDeny = false
    var oomScoreAdj: Int?
    /// rune makes the new network namespace and the container process joins it (Launch): nsexec's unshare,
    /// which is on the path to the container process's start, is then ~0.45 ms shorter. Only for root
    /// without a user namespace, where either way the namespace belongs to the host's user namespace.
    var networkFromHost = false

    static let flags: [String: Int32] = [
        "pid": Int32(RUNE_CLONE_NEWPID), "network": Int32(RUNE_CLONE_NEWNET), "mount": Int32(RUNE_CLONE_NEWNS), "ipc": Int32(RUNE_CLONE_NEWIPC),
        "uts": Int32(RUNE_CLONE_NEWUTS), "user": Int32(RUNE_CLONE_NEWUSER), "cgroup": Int32(RUNE_CLONE_NEWCGROUP), "time": Int32(RUNE_CLONE_NEWTIME),
    ]
    /// /proc/<pid>/ns file names, in the order setns should join them.
    static let procNames: [(String, String)] = [
        ("user", "user"), ("ipc", "ipc"), ("uts", "uts"), ("network", "net"), ("pid", "pid"), ("mount", "mnt"),
        ("cgroup", "cgroup"), ("time", "time"),
    ]

    init(spec: Spec) {
        for ns in spec.linux?.namespaces ?? [] {
            guard let flag = Self.flags[ns.type] else { continue }
            if let path = ns.path, !path.isEmpty { namespacePaths.append((flag, path)) } else { cloneFlags |= flag }
        }
        if cloneFlags & Int32(RUNE_CLONE_NEWUSER) != 0 {
            uidMap = Self.mapText(spec.linux?.uidMappings)
            gidMap = Self.mapText(spec.linux?.gidMappings)
            setgroupsDeny = getuid() != 0
        }
        oomScoreAdj = spec.process?.oomScoreAdj
        let newUser = Int32(RUNE_CLONE_NEWUSER), newNet = Int32(RUNE_CLONE_NEWNET)
        let userNamespace = cloneFlags & newUser != 0 || namespacePaths.contains { $0.0 == newUser }
        if cloneFlags & newNet != 0 && !userNamespace && geteuid() == 0 {
            cloneFlags &= ~newNet
            networkFromHost = true
        }
    }

    /// nsexec unshares and forks the container process without a user namespace or paths to handle first
    /// (stage 0 doing stage 1's work, nsexec.c): the case where the container process may join the v1
    /// cgroups itself, later.
    var forksAtOnce: Bool { cloneFlags & Int32(RUNE_CLONE_NEWUSER) == 0 && namespacePaths.isEmpty }

    /// Joins every namespace of a running container (for exec).
    init(joining pid: Int32, spec: Spec) {
        let types = Set((spec.linux?.namespaces ?? []).map(\.type))
        for (type, file) in Self.procNames where types.contains(type) {
            guard let flag = Self.flags[type] else { continue }
            namespacePaths.append((flag, "/proc/\(pid)/ns/\(file)"))
        }
    }

    /// The host ids of the container's root when it has a user namespace.
    static func containerRootIDs(_ spec: Spec) -> (uid: uid_t, gid: gid_t)? {
        guard let uids = spec.linux?.uidMappings, let gids = spec.linux?.gidMappings,
              let u = uids.first(where: { $0.containerID == 0 }), let g = gids.first(where: { $0.containerID == 0 }) else { return nil }
        return (uid_t(u.hostID), gid_t(g.hostID))
    }

    static func mapText(_ maps: [LinuxIDMapping]?) -> String? {
        guard let maps, !maps.isEmpty else { return nil }
        return maps.map { "\($0.containerID) \($0.hostID) \($0.size)\n" }.joined()
    }

    /// The first batch: namespaces, id maps and oom_score_adj, sent as soon as the init is spawned.
    func sendNamespaces(on channel: InitChannel) throws(RuneError) {
        var out: [UInt8] = []
        InitChannel.appendFrame(.bootCloneFlags, Array(String(decimal: UInt32(bitPattern: cloneFlags)).utf8), to: &out)
        for (flag, path) in namespacePaths { InitChannel.appendFrame(.bootNamespacePath, Array((String(decimal: flag) + ":" + path).utf8), to: &out) }
        if let uidMap { InitChannel.appendFrame(.bootUidMap, Array(uidMap.utf8), to: &out) }
        if let gidMap { InitChannel.appendFrame(.bootGidMap, Array(gidMap.utf8), to: &out) }
        if setgroupsDeny { InitChannel.appendFrame(.bootSetgroupsDeny, [UInt8(ascii: "1")], to: &out) }
        if let oomScoreAdj { InitChannel.appendFrame(.bootOomScoreAdj, Array(String(decimal: oomScoreAdj).utf8), to: &out) }
        InitChannel.appendFrame(.bootEnd, to: &out)
        do { try channel.sendFrames(out) } catch { throw RuneError.wrap(error.rune, "send bootstrap") }
    }

    /// The second batch: where nsexec places itself (CgroupManager.selfPlacement), once the cgroups exist.
    /// `placeLater`: no tasks; the container process joins the v1 hierarchies itself (InitConfig.cgroupTasks).
    static func sendCgroups(tasks: [String], cgroup2Dir: String?, placeLater: Bool = false,
                            on channel: InitChannel) throws(RuneError) {
        var out: [UInt8] = []
        for path in tasks { InitChannel.appendFrame(.bootCgroupTasks, Array(path.utf8), to: &out) }
        if let cgroup2Dir { InitChannel.appendFrame(.bootCgroup2Dir, Array(cgroup2Dir.utf8), to: &out) }
        if placeLater { InitChannel.appendFrame(.bootPlaceLater, to: &out) }
        InitChannel.appendFrame(.bootEnd, to: &out)
        do { try channel.sendFrames(out) } catch { throw RuneError.wrap(error.rune, "send bootstrap") }
    }
}
