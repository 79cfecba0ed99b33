import RuneSystem

/// cgroup v1 accounting files.
enum LegacyStats {
    /// cpuacct.stat counts USER_HZ ticks; runc assumes 100 per second.
    static let nanosecondsPerTick: UInt64 = 10_000_000

    static func cpuacct(_ dir: String, into cpu: inout CPUStats) {
        cpu.usage.total = nonZero(CgroupFiles.readUInt(dir + "/cpuacct.usage"))
        let percpu = (CgroupFiles.readTrimmed(dir + "/cpuacct.usage_percpu") ?? "").split(separator: " ").compactMap { UInt64($0) }
        cpu.usage.percpu = nonEmpty(percpu)
        // cpuacct.usage_all: a "cpu user system" header, then one line per CPU.
        var kernel: [UInt64] = [], user: [UInt64] = []
        for line in (CgroupFiles.readTrimmed(dir + "/cpuacct.usage_all") ?? "").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ").compactMap { UInt64($0) }
            guard fields.count == 3 else { continue }
            user.append(fields[1])
            kernel.append(fields[2])
        }
        cpu.usage.percpuKernel = nonEmpty(kernel)
        cpu.usage.percpuUser = nonEmpty(user)
        let stat = CgroupFiles.readKeyValues(dir + "/cpuacct.stat")
        cpu.usage.user = (stat["user"] ?? 0) * nanosecondsPerTick
        cpu.usage.kernel = (stat["system"] ?? 0) * nanosecondsPerTick
    }

    static func cpuset(_ dir: String) -> CPUSetStats {
        var s = CPUSetStats()
        s.cpus = StatsParsing.cpuList(CgroupFiles.readTrimmed(dir + "/cpuset.cpus"))
        s.mems = StatsParsing.cpuList(CgroupFiles.readTrimmed(dir + "/cpuset.mems"))
        func value(_ name: String) -> UInt64 { CgroupFiles.readUInt(dir + "/cpuset." + name) }
        s.cpuExclusive = value("cpu_exclusive")
        s.memHardwall = value("mem_hardwall")
        s.memExclusive = value("mem_exclusive")
        s.memoryMigrate = value("memory_migrate")
        s.memorySpreadPage = value("memory_spread_page")
        s.memorySpreadSlab = value("memory_spread_slab")
        s.memoryPressure = value("memory_pressure")
        s.schedLoadBalance = value("sched_load_balance")
        s.schedRelaxDomainLevel = Int64(CgroupFiles.readTrimmed(dir + "/cpuset.sched_relax_domain_level") ?? "") ?? 0
        return s
    }

    static func memory(_ dir: String) -> MemoryStats {
        var m = MemoryStats()
        let raw = CgroupFiles.readKeyValues(dir + "/memory.stat")
        m.raw = raw.isEmpty ? nil : raw
        m.cache = nonZero(raw["cache"] ?? 0)
        m.usage = entry(dir, "memory.")
        m.swap = entry(dir, "memory.memsw.")
        m.kernel = entry(dir, "memory.kmem.")
        m.kernelTCP = entry(dir, "memory.kmem.tcp.")
        return m
    }

    private static func entry(_ dir: String, _ prefix: String) -> MemoryEntry {
        var e = MemoryEntry()
        e.limit = CgroupFiles.readUInt(dir + "/" + prefix + "limit_in_bytes")
        e.usage = nonZero(CgroupFiles.readUInt(dir + "/" + prefix + "usage_in_bytes"))
        e.max = nonZero(CgroupFiles.readUInt(dir + "/" + prefix + "max_usage_in_bytes"))
        e.failcnt = CgroupFiles.readUInt(dir + "/" + prefix + "failcnt")
        return e
    }

    /// BFQ's recursive counters when the kernel has them, else the throttle layer's (as runc).
    static func blkio(_ dir: String) -> BlkioStats {
        var b = BlkioStats()
        let bfq = CgroupFiles.exists(dir + "/blkio.bfq.io_service_bytes_recursive")
        let prefix = bfq ? "blkio.bfq." : "blkio.throttle."
        b.ioServiceBytesRecursive = nonEmpty(entries(dir + "/" + prefix + "io_service_bytes_recursive"))
        b.ioServicedRecursive = nonEmpty(entries(dir + "/" + prefix + "io_serviced_recursive"))
        return b
    }

    /// "8:0 Read 4096" lines; the "Total" line is left out.
    static func entries(_ path: String) -> [BlkioEntry] {
        (CgroupFiles.readTrimmed(path) ?? "").split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 3 else { return nil }
            let device = f[0].split(separator: ":").compactMap { UInt64($0) }
            guard device.count == 2, let value = UInt64(f[2]) else { return nil }
            return BlkioEntry(major: nonZero(device[0]), minor: nonZero(device[1]), op: String(f[1]), value: nonZero(value))
        }
    }

    static func hugetlb(_ dir: String) -> [String: HugetlbStats] {
        var out: [String: HugetlbStats] = [:]
        for size in StatsParsing.hugePageSizes(dir, suffix: ".limit_in_bytes") where !size.hasBytePrefix("rsvd") && !FileSystem.contains(size, ".rsvd") {
            var h = HugetlbStats()
            h.usage = nonZero(CgroupFiles.readUInt("\(dir)/hugetlb.\(size).usage_in_bytes"))
            h.max = nonZero(CgroupFiles.readUInt("\(dir)/hugetlb.\(size).max_usage_in_bytes"))
            h.failcnt = CgroupFiles.readUInt("\(dir)/hugetlb.\(size).failcnt")
            out[size] = h
        }
        return out
    }
}
