import RuneSystem

/// cgroup v2 accounting files, mapped onto runc's (v1-shaped) statistics as runc 1.1 does.
enum UnifiedStats {
    static func read(_ dir: String, into stats: inout CgroupStats) {
        let cpu = CgroupFiles.readKeyValues(dir + "/cpu.stat")
        stats.cpu.usage.total = nonZero((cpu["usage_usec"] ?? 0) * 1000)
        stats.cpu.usage.user = (cpu["user_usec"] ?? 0) * 1000
        stats.cpu.usage.kernel = (cpu["system_usec"] ?? 0) * 1000
        stats.cpu.throttling = StatsParsing.throttling(dir + "/cpu.stat", timeScale: 1000)
        stats.cpuset.cpus = StatsParsing.cpuList(CgroupFiles.readTrimmed(dir + "/cpuset.cpus.effective"))
        stats.cpuset.mems = StatsParsing.cpuList(CgroupFiles.readTrimmed(dir + "/cpuset.mems.effective"))
        stats.memory = memory(dir)
        stats.pids = StatsParsing.pids(dir)
        stats.blkio = io(dir)
        for size in StatsParsing.hugePageSizes(dir, suffix: ".current") where !FileSystem.contains(size, "rsvd") {
            var h = HugetlbStats()
            h.usage = nonZero(CgroupFiles.readUInt("\(dir)/hugetlb.\(size).current"))
            h.failcnt = CgroupFiles.readKeyValues("\(dir)/hugetlb.\(size).events")["max"] ?? 0
            stats.hugetlb[size] = h
        }
    }

    static func memory(_ dir: String) -> MemoryStats {
        var m = MemoryStats()
        let raw = CgroupFiles.readKeyValues(dir + "/memory.stat")
        m.raw = raw.isEmpty ? nil : raw
        m.cache = nonZero(raw["file"] ?? 0)
        let usage = CgroupFiles.readUInt(dir + "/memory.current")
        let limit = CgroupFiles.readUInt(dir + "/memory.max")
        m.usage.usage = nonZero(usage)
        m.usage.limit = limit
        m.usage.max = nonZero(CgroupFiles.readUInt(dir + "/memory.peak"))
        m.usage.failcnt = CgroupFiles.readKeyValues(dir + "/memory.events")["max"] ?? 0
        // v1's swap entry is memory+swap; v2 accounts swap alone, so add the two back together.
        if CgroupFiles.exists(dir + "/memory.swap.current") {
            let swapLimit = CgroupFiles.readUInt(dir + "/memory.swap.max")
            m.swap.usage = nonZero(CgroupFiles.readUInt(dir + "/memory.swap.current") &+ usage)
            m.swap.limit = (swapLimit == UInt64.max || limit == UInt64.max) ? UInt64.max : swapLimit &+ limit
        }
        return m
    }

    /// io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device.
    static func io(_ dir: String) -> BlkioStats {
        var bytes: [BlkioEntry] = [], ios: [BlkioEntry] = []
        for line in (CgroupFiles.readTrimmed(dir + "/io.stat") ?? "").split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let first = fields.first else { continue }
            let device = first.split(separator: ":").compactMap { UInt64($0) }
            guard device.count == 2 else { continue }
            var values: [String: UInt64] = [:]
            for pair in fields.dropFirst() {
                let kv = pair.split(separator: "=")
                if kv.count == 2, let v = UInt64(kv[1]) { values[String(kv[0])] = v }
            }
            let major = nonZero(device[0]), minor = nonZero(device[1])
            bytes.append(BlkioEntry(major: major, minor: minor, op: "Read", value: nonZero(values["rbytes"] ?? 0)))
            bytes.append(BlkioEntry(major: major, minor: minor, op: "Write", value: nonZero(values["wbytes"] ?? 0)))
            ios.append(BlkioEntry(major: major, minor: minor, op: "Read", value: nonZero(values["rios"] ?? 0)))
            ios.append(BlkioEntry(major: major, minor: minor, op: "Write", value: nonZero(values["wios"] ?? 0)))
        }
        var b = BlkioStats()
        b.ioServiceBytesRecursive = nonEmpty(bytes)
        b.ioServicedRecursive = nonEmpty(ios)
        return b
    }
}
