// The `data` object of runc's `events --stats` output (runc's events types), field for field.
// Go's `omitempty` fields are Swift optionals that the readers leave nil when zero, so an encoder that
// leaves nil out (OCISpec's, Foundation's) prints what runc prints.

public struct CgroupStats: Codable, Sendable, Equatable {
    public var cpu = CPUStats()
    public var cpuset = CPUSetStats()
    public var memory = MemoryStats()
    public var pids = PidsStats()
    public var blkio = BlkioStats()
    public var hugetlb: [String: HugetlbStats] = [:]
    public var intelRdt = IntelRdtStats()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case cpu, cpuset, memory, pids, blkio, hugetlb
        case intelRdt = "intel_rdt"
        case networkInterfaces = "network_interfaces"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cpu = try c.decodeIfPresent(CPUStats.self, forKey: .cpu) ?? CPUStats()
        cpuset = try c.decodeIfPresent(CPUSetStats.self, forKey: .cpuset) ?? CPUSetStats()
        memory = try c.decodeIfPresent(MemoryStats.self, forKey: .memory) ?? MemoryStats()
        pids = try c.decodeIfPresent(PidsStats.self, forKey: .pids) ?? PidsStats()
        blkio = try c.decodeIfPresent(BlkioStats.self, forKey: .blkio) ?? BlkioStats()
        hugetlb = try c.decodeIfPresent([String: HugetlbStats].self, forKey: .hugetlb) ?? [:]
        intelRdt = try c.decodeIfPresent(IntelRdtStats.self, forKey: .intelRdt) ?? IntelRdtStats()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cpu, forKey: .cpu)
        try c.encode(cpuset, forKey: .cpuset)
        try c.encode(memory, forKey: .memory)
        try c.encode(pids, forKey: .pids)
        try c.encode(blkio, forKey: .blkio)
        try c.encode(hugetlb, forKey: .hugetlb)
        try c.encode(intelRdt, forKey: .intelRdt)
        // runc has no network statistics for a container and prints null.
        try c.encodeNil(forKey: .networkInterfaces)
    }
}

public struct CPUStats: Codable, Sendable, Equatable {
    public var usage = CPUUsage()
    public var throttling = Throttling()
    public init() {}
}

/// Nanoseconds.
public struct CPUUsage: Codable, Sendable, Equatable {
    public var total: UInt64?
    public var percpu: [UInt64]?
    public var percpuKernel: [UInt64]?
    public var percpuUser: [UInt64]?
    public var kernel: UInt64 = 0
    public var user: UInt64 = 0
    public init() {}

    /// In Go's field order, which is the order they are printed in.
    enum CodingKeys: String, CodingKey {
        case total, percpu
        case percpuKernel = "percpu_kernel"
        case percpuUser = "percpu_user"
        case kernel, user
    }
}

public struct Throttling: Codable, Sendable, Equatable {
    public var periods: UInt64?
    public var throttledPeriods: UInt64?
    public var throttledTime: UInt64?
    public init() {}
}

public struct CPUSetStats: Codable, Sendable, Equatable {
    public var cpus: [UInt16]?
    public var cpuExclusive: UInt64 = 0
    public var mems: [UInt16]?
    public var memHardwall: UInt64 = 0
    public var memExclusive: UInt64 = 0
    public var memoryMigrate: UInt64 = 0
    public var memorySpreadPage: UInt64 = 0
    public var memorySpreadSlab: UInt64 = 0
    public var memoryPressure: UInt64 = 0
    public var schedLoadBalance: UInt64 = 0
    public var schedRelaxDomainLevel: Int64 = 0
    public init() {}

    /// In Go's field order, which is the order they are printed in.
    enum CodingKeys: String, CodingKey {
        case cpus
        case cpuExclusive = "cpu_exclusive"
        case mems
        case memHardwall = "mem_hardwall"
        case memExclusive = "mem_exclusive"
        case memoryMigrate = "memory_migrate"
        case memorySpreadPage = "memory_spread_page"
        case memorySpreadSlab = "memory_spread_slab"
        case memoryPressure = "memory_pressure"
        case schedLoadBalance = "sched_load_balance"
        case schedRelaxDomainLevel = "sched_relax_domain_level"
    }
}

public struct MemoryStats: Codable, Sendable, Equatable {
    public var cache: UInt64?
    public var usage = MemoryEntry()
    public var swap = MemoryEntry()
    public var kernel = MemoryEntry()
    public var kernelTCP = MemoryEntry()
    public var raw: [String: UInt64]?
    public init() {}
}

/// Bytes; `limit` is UInt64.max-ish when unlimited, as the kernel reports it.
public struct MemoryEntry: Codable, Sendable, Equatable {
    public var limit: UInt64 = 0
    public var usage: UInt64?
    public var max: UInt64?
    public var failcnt: UInt64 = 0
    public init() {}
}

public struct PidsStats: Codable, Sendable, Equatable {
    public var current: UInt64?
    public var limit: UInt64?
    public init() {}
}

public struct BlkioEntry: Codable, Sendable, Equatable {
    public var major: UInt64?
    public var minor: UInt64?
    public var op: String?
    public var value: UInt64?
    public init(major: UInt64?, minor: UInt64?, op: String?, value: UInt64?) {
        self.major = major
        self.minor = minor
        self.op = op
        self.value = value
    }
}

public struct BlkioStats: Codable, Sendable, Equatable {
    public var ioServiceBytesRecursive: [BlkioEntry]?
    public var ioServicedRecursive: [BlkioEntry]?
    public var ioQueueRecursive: [BlkioEntry]?
    public var ioServiceTimeRecursive: [BlkioEntry]?
    public var ioWaitTimeRecursive: [BlkioEntry]?
    public var ioMergedRecursive: [BlkioEntry]?
    public var ioTimeRecursive: [BlkioEntry]?
    public var sectorsRecursive: [BlkioEntry]?
    public init() {}
}

public struct HugetlbStats: Codable, Sendable, Equatable {
    public var usage: UInt64?
    public var max: UInt64?
    public var failcnt: UInt64 = 0
    public init() {}
}

/// Intel RDT is not managed by rune; runc prints an empty object without it too.
public struct IntelRdtStats: Codable, Sendable, Equatable {
    public init() {}
}

/// nil for zero, which is how Go's omitempty leaves a number out.
func nonZero(_ value: UInt64) -> UInt64? { value == 0 ? nil : value }
func nonEmpty<T>(_ values: [T]) -> [T]? { values.isEmpty ? nil : values }
