import RuneSystem

/// `events --stats`: reads the kernel's accounting files into runc's shape.
extension CgroupManager {
    public func stats() throws(CgroupError) -> CgroupStats {
        var stats = CgroupStats()
        if isUnified, let dir = unifiedPath {
            guard FileSystem.isDirectory(dir) else { throw .read(path: dir, errno: 2) }
            UnifiedStats.read(dir, into: &stats)
            return stats
        }
        guard let any = paths["memory"] ?? paths["cpu"] ?? paths["pids"], FileSystem.isDirectory(any) else {
            throw .read(path: paths["memory"] ?? paths["cpu"] ?? "(no cgroup)", errno: 2)
        }
        if let dir = paths["cpuacct"] { LegacyStats.cpuacct(dir, into: &stats.cpu) }
        if let dir = paths["cpu"] { stats.cpu.throttling = StatsParsing.throttling(dir + "/cpu.stat", timeScale: 1) }
        if let dir = paths["cpuset"] { stats.cpuset = LegacyStats.cpuset(dir) }
        if let dir = paths["memory"] { stats.memory = LegacyStats.memory(dir) }
        if let dir = paths["pids"] { stats.pids = StatsParsing.pids(dir) }
        if let dir = paths["blkio"] { stats.blkio = LegacyStats.blkio(dir) }
        if let dir = paths["hugetlb"] { stats.hugetlb = LegacyStats.hugetlb(dir) }
        return stats
    }
}

/// Parsing shared by both versions.
enum StatsParsing {
    /// "0-2,5" → [0, 1, 2, 5].
    static func cpuList(_ text: String?) -> [UInt16]? {
        var out: [UInt16] = []
        for part in (text ?? "").split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { UInt16($0) }
            if bounds.count == 1 { out.append(bounds[0]) }
            if bounds.count == 2, bounds[0] <= bounds[1] { out.append(contentsOf: bounds[0]...bounds[1]) }
        }
        return nonEmpty(out)
    }

    /// cpu.stat throttling; v2 reports microseconds (timeScale 1000 turns them into nanoseconds).
    static func throttling(_ path: String, timeScale: UInt64) -> Throttling {
        let values = CgroupFiles.readKeyValues(path)
        var t = Throttling()
        t.periods = nonZero(values["nr_periods"] ?? 0)
        t.throttledPeriods = nonZero(values["nr_throttled"] ?? 0)
        t.throttledTime = nonZero(timeScale == 1 ? values["throttled_time"] ?? 0 : (values["throttled_usec"] ?? 0) * timeScale)
        return t
    }

    static func pids(_ dir: String) -> PidsStats {
        var p = PidsStats()
        p.current = nonZero(CgroupFiles.readUInt(dir + "/pids.current"))
        let limit = CgroupFiles.readUInt(dir + "/pids.max")
        p.limit = nonZero(limit == UInt64.max ? 0 : limit)
        return p
    }

    /// Files in `dir` named prefix<size><suffix>, e.g. hugetlb.2MB.usage_in_bytes → "2MB".
    static func hugePageSizes(_ dir: String, suffix: String) -> [String] {
        let names = (try? FileSystem.listDirectory(dir)) ?? []
        return names.compactMap { name in
            guard name.hasBytePrefix("hugetlb."), name.hasSuffix(suffix) else { return nil }
            return String(name.dropFirst(8).dropLast(suffix.count))
        }.sorted()
    }
}
