import CShimLinux
import Glibc
import ShimProto

/// Container metrics from the cgroup v1 hierarchy of its init process, in containerd's
/// `io.containerd.cgroups.v1.Metrics` shape (what `ctr task metrics` prints).
enum CgroupV1Stats {
    static let mountRoot = "/sys/fs/cgroup"

    /// controller name → host directory of the process's cgroup, from /proc/PID/cgroup.
    static func paths(pid: Int32) throws -> [String: String] {
        let text = try Sys.readText("/proc/\(pid)/cgroup")
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[1].isEmpty else { continue }
            for controller in parts[1].split(separator: ",") {
                let name = controller.hasPrefix("name=") ? String(controller.dropFirst(5)) : String(controller)
                result[name] = "\(mountRoot)/\(name)\(parts[2])"
            }
        }
        return result
    }

    static func collect(pid: Int32) throws -> Io_Containerd_Cgroups_V1_Metrics {
        let dirs = try paths(pid: pid)
        var m = Io_Containerd_Cgroups_V1_Metrics()
        if let d = dirs["pids"] {
            m.pids.current = number(d + "/pids.current")
            m.pids.limit = number(d + "/pids.max")
        }
        if let d = dirs["cpuacct"] { m.cpu.usage = cpuUsage(d) }
        if let d = dirs["cpu"] {
            let stat = keyValues(d + "/cpu.stat")
            m.cpu.throttling.periods = stat["nr_periods"] ?? 0
            m.cpu.throttling.throttledPeriods = stat["nr_throttled"] ?? 0
            m.cpu.throttling.throttledTime = stat["throttled_time"] ?? 0
        }
        if let d = dirs["memory"] { m.memory = memory(d) }
        return m
    }

    private static func cpuUsage(_ d: String) -> Io_Containerd_Cgroups_V1_CPUUsage {
        var u = Io_Containerd_Cgroups_V1_CPUUsage()
        u.total = number(d + "/cpuacct.usage")
        u.perCpu = ((try? Sys.readText(d + "/cpuacct.usage_percpu")) ?? "").split(separator: " ").compactMap { UInt64(String($0).trimmingSpaces()) }
        let stat = keyValues(d + "/cpuacct.stat")
        let nsPerTick = UInt64(1_000_000_000) / UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        u.user = (stat["user"] ?? 0) * nsPerTick
        u.kernel = (stat["system"] ?? 0) * nsPerTick
        return u
    }

    private static func memory(_ d: String) -> Io_Containerd_Cgroups_V1_MemoryStat {
        var s = Io_Containerd_Cgroups_V1_MemoryStat()
        let stat = keyValues(d + "/memory.stat")
        s.cache = stat["cache"] ?? 0
        s.rss = stat["rss"] ?? 0
        s.rssHuge = stat["rss_huge"] ?? 0
        s.mappedFile = stat["mapped_file"] ?? 0
        s.dirty = stat["dirty"] ?? 0
        s.writeback = stat["writeback"] ?? 0
        s.pgFault = stat["pgfault"] ?? 0
        s.pgMajFault = stat["pgmajfault"] ?? 0
        s.inactiveAnon = stat["inactive_anon"] ?? 0
        s.activeAnon = stat["active_anon"] ?? 0
        s.inactiveFile = stat["inactive_file"] ?? 0
        s.activeFile = stat["active_file"] ?? 0
        s.unevictable = stat["unevictable"] ?? 0
        s.hierarchicalMemoryLimit = stat["hierarchical_memory_limit"] ?? 0
        s.totalCache = stat["total_cache"] ?? 0
        s.totalRss = stat["total_rss"] ?? 0
        s.usage = entry(d, "memory")
        s.swap = entry(d, "memory.memsw")
        s.kernel = entry(d, "memory.kmem")
        s.kernelTcp = entry(d, "memory.kmem.tcp")
        return s
    }

    private static func entry(_ d: String, _ prefix: String) -> Io_Containerd_Cgroups_V1_MemoryEntry {
        var e = Io_Containerd_Cgroups_V1_MemoryEntry()
        e.usage = number("\(d)/\(prefix).usage_in_bytes")
        e.max = number("\(d)/\(prefix).max_usage_in_bytes")
        e.limit = number("\(d)/\(prefix).limit_in_bytes")
        e.failcnt = number("\(d)/\(prefix).failcnt")
        return e
    }

    /// A number file; "max" and unreadable files count as 0, as containerd's cgroups package reports them.
    static func number(_ path: String) -> UInt64 {
        UInt64(((try? Sys.readText(path)) ?? "").trimmingSpaces()) ?? 0
    }

    static func keyValues(_ path: String) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for line in ((try? Sys.readText(path)) ?? "").split(separator: "\n") {
            let kv = line.split(separator: " ")
            if kv.count == 2, let v = UInt64(kv[1]) { out[String(kv[0])] = v }
        }
        return out
    }
}

/// Publishes TaskOOM through cgroup v1's memory.oom_control eventfd notification.
final class OOMWatcher: @unchecked Sendable {
    private let efd: Int32
    private var stopped = false

    private init(efd: Int32) { self.efd = efd }

    static func start(pid: Int32, onOOM: @escaping () -> Void) -> OOMWatcher? {
        guard let dir = (try? CgroupV1Stats.paths(pid: pid))?["memory"] else { return nil }
        let control = open(dir + "/memory.oom_control", O_RDONLY | O_CLOEXEC)
        guard control >= 0 else { return nil }
        let efd = cshim_eventfd()
        let registration = "\(efd) \(control)"
        let events = open(dir + "/cgroup.event_control", O_WRONLY | O_CLOEXEC)
        guard efd >= 0, events >= 0, Sys.writeAll(events, Array(registration.utf8)) else {
            close(control); if efd >= 0 { close(efd) }; if events >= 0 { close(events) }
            return nil
        }
        close(events)
        let watcher = OOMWatcher(efd: efd)
        startThread {
            var count: UInt64 = 0
            // The eventfd also fires when the cgroup is removed; only a live cgroup means OOM.
            while read(efd, &count, 8) == 8 {
                if watcher.stopped || !Sys.exists(dir + "/memory.oom_control") { break }
                onOOM()
            }
            close(control)
            close(efd)
        }
        return watcher
    }

    func stop() { stopped = true }
}
