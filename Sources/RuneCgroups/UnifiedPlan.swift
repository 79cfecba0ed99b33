import OCISpec

/// The cgroup v2 writes for `linux.resources`, with runc's conversions from the v1-shaped spec:
/// shares → cpu.weight, quota/period → cpu.max, swap (memory+swap) → memory.swap.max (swap only),
/// blkio weight → io.bfq.weight or io.weight, device rules → an eBPF filter. Settings v2 has no file
/// for are clear errors, except kernel memory, which is ignored with a warning as runc does.
struct UnifiedPlan {
    let dir: String
    var writes: [PlannedWrite] = []
    var warnings: [String] = []
    /// The encoded device filter to attach, when device rules were given.
    var deviceProgram: [UInt8]?

    init(dir: String) { self.dir = dir }

    mutating func add(_ resources: LinuxResources?, deviceRules: [LinuxDeviceCgroup]?) throws(CgroupError) {
        if let deviceRules { devices(try DeviceRules.parse(deviceRules)) }
        guard let r = resources else { return }
        if let memory = r.memory { try ResourceChecks.memory(memory) }
        if let cpu = r.cpu { try ResourceChecks.cpu(cpu) }
        if let blockIO = r.blockIO { try ResourceChecks.blockIO(blockIO) }
        if let network = r.network, network.classID != nil || !(network.priorities ?? []).isEmpty {
            throw .unsupported(field: "linux.resources.network", reason: "cgroup v2 has no net_cls or net_prio controller")
        }
        try cpu(r.cpu)
        try memory(r.memory)
        try pids(r.pids)
        try io(r.blockIO)
        for (index, limit) in (r.hugepageLimits ?? []).enumerated() {
            try put("hugetlb.\(limit.pageSize).max", String(limit.limit), field: "linux.resources.hugepageLimits[\(index)].pageSize")
        }
        for name in (r.rdma ?? [:]).keys.sorted() {
            try put("rdma.max", RdmaLine.make(name, r.rdma![name]!), field: "linux.resources.rdma")
        }
        try unified(r.unified ?? [:])
        if let warning = ResourceChecks.kernelMemoryWarning(r.memory) { warnings.append(warning) }
    }

    func execute() throws(CgroupError) {
        if let deviceProgram { try BPF.attachDeviceFilter(deviceProgram, to: dir) }
        for write in writes { try CgroupFiles.write(write.path, write.value) }
    }

    /// Queues a write to a file that must exist (its controller enabled), else fails naming the field.
    private mutating func put(_ file: String, _ value: String, field: String) throws(CgroupError) {
        guard CgroupFiles.exists(dir + "/" + file) else {
            throw .unsupported(field: field, reason: "\(dir)/\(file) does not exist (controller not enabled?)")
        }
        writes.append(PlannedWrite(path: dir + "/" + file, value: value))
    }

    /// Device rules become an eBPF program, attached before any limit is written.
    private mutating func devices(_ rules: [DeviceRules.Rule]) {
        let state = DeviceRules.state(of: rules)
        deviceProgram = DeviceFilter.encode(DeviceFilter.program(for: state))
    }

    private mutating func cpu(_ c: LinuxCPU?) throws(CgroupError) {
        guard let c else { return }
        let field = ResourceChecks.cpuField
        if let cpus = c.cpus, !cpus.isEmpty { try put("cpuset.cpus", cpus, field: field + ".cpus") }
        if let mems = c.mems, !mems.isEmpty { try put("cpuset.mems", mems, field: field + ".mems") }
        if let shares = c.shares, shares != 0 {
            try put("cpu.weight", String(Self.weight(fromShares: shares)), field: field + ".shares")
        }
        let quota = c.quota ?? 0, period = c.period ?? 0
        if quota != 0 || period != 0 {
            try put("cpu.max", Self.cpuMax(quota: quota, period: period, current: CgroupFiles.readTrimmed(dir + "/cpu.max")),
                    field: field + ".quota")
        }
        if let burst = c.burst { try put("cpu.max.burst", String(burst), field: field + ".burst") }
        if (c.realtimeRuntime ?? 0) != 0 || (c.realtimePeriod ?? 0) != 0 {
            throw .unsupported(field: field + ".realtimeRuntime", reason: "cgroup v2 has no realtime CPU budget")
        }
        if let idle = c.idle { try put("cpu.idle", String(idle), field: field + ".idle") }
    }

    /// runc's mapping of shares [2, 262144] onto weight [1, 10000].
    static func weight(fromShares shares: UInt64) -> UInt64 { 1 + ((shares - 2) * 9999) / 262_142 }

    /// "quota period" or "max period"; a half left unset keeps the kernel's current value (an update
    /// of the period alone must not lift the quota), and the period defaults to 100000 µs.
    static func cpuMax(quota: Int64, period: UInt64, current: String?) -> String {
        let parts = (current ?? "").split(separator: " ")
        let currentQuota = parts.count == 2 ? String(parts[0]) : "max"
        let currentPeriod = parts.count == 2 ? String(parts[1]) : "100000"
        let quotaText = quota == 0 ? currentQuota : (quota < 0 ? "max" : String(quota))
        let periodText = period == 0 ? currentPeriod : String(period)
        return "\(quotaText) \(periodText)"
    }

    private mutating func memory(_ m: LinuxMemory?) throws(CgroupError) {
        guard let m else { return }
        let field = ResourceChecks.memoryField
        if let swappiness = m.swappiness {
            throw .unsupported(field: field + ".swappiness", reason: "cgroup v2 has no swappiness (\(swappiness) asked)")
        }
        if m.disableOOMKiller == true {
            throw .unsupported(field: field + ".disableOOMKiller", reason: "cgroup v2 cannot disable the OOM killer")
        }
        let limit = m.limit ?? 0
        if let swap = try Self.swapMax(swap: m.swap ?? 0, limit: limit) {
            try put("memory.swap.max", swap < 0 ? "max" : String(swap), field: field + ".swap")
        }
        if limit != 0 { try put("memory.max", limit < 0 ? "max" : String(limit), field: field + ".limit") }
        if let reservation = m.reservation, reservation != 0 {
            try put("memory.low", reservation < 0 ? "max" : String(reservation), field: field + ".reservation")
        }
    }

    /// v1's memory+swap limit as v2's swap-only limit; nil leaves memory.swap.max alone.
    static func swapMax(swap: Int64, limit: Int64) throws(CgroupError) -> Int64? {
        if limit == -1 && swap == 0 { return -1 }
        if swap == 0 { return nil }
        if swap == -1 { return -1 }
        if limit == 0 || limit == -1 {
            throw .invalid(field: "linux.resources.memory.swap", reason: "a swap limit needs a memory limit on cgroup v2")
        }
        return swap - limit
    }

    private mutating func pids(_ p: LinuxPids?) throws(CgroupError) {
        guard let p, p.limit != 0 else { return }
        try put("pids.max", p.limit > 0 ? String(p.limit) : "max", field: "linux.resources.pids.limit")
    }

    private mutating func io(_ b: LinuxBlockIO?) throws(CgroupError) {
        guard let b else { return }
        let field = "linux.resources.blockIO"
        if (b.leafWeight ?? 0) != 0 {
            throw .unsupported(field: field + ".leafWeight", reason: "cgroup v2 has no leaf weight")
        }
        if let weight = b.weight, weight != 0 { try ioWeight(nil, weight, field: field + ".weight") }
        for (index, device) in (b.weightDevice ?? []).enumerated() {
            if let weight = device.weight, weight != 0 {
                try ioWeight("\(device.major):\(device.minor)", weight, field: "\(field).weightDevice[\(index)].weight")
            }
        }
        let throttles: [(String, [LinuxThrottleDevice]?, String)] = [
            ("throttleReadBpsDevice", b.throttleReadBpsDevice, "rbps"),
            ("throttleWriteBpsDevice", b.throttleWriteBpsDevice, "wbps"),
            ("throttleReadIOPSDevice", b.throttleReadIOPSDevice, "riops"),
            ("throttleWriteIOPSDevice", b.throttleWriteIOPSDevice, "wiops"),
        ]
        for (name, devices, key) in throttles {
            for (index, device) in (devices ?? []).enumerated() {
                try put("io.max", "\(device.major):\(device.minor) \(key)=\(device.rate)", field: "\(field).\(name)[\(index)]")
            }
        }
    }

    /// BFQ takes the v1 weight as it is; io.weight takes runc's conversion of [10, 1000] onto [1, 10000].
    private mutating func ioWeight(_ device: String?, _ weight: UInt16, field: String) throws(CgroupError) {
        let prefix = device.map { $0 + " " } ?? ""
        if CgroupFiles.exists(dir + "/io.bfq.weight") {
            try put("io.bfq.weight", prefix + String(weight), field: field)
        } else {
            guard weight >= 10 else { throw .invalid(field: field, reason: "\(weight) is below 10, the least io.weight can express") }
            try put("io.weight", prefix + String(Self.ioWeight(fromBlkio: weight)), field: field)
        }
    }

    static func ioWeight(fromBlkio weight: UInt16) -> UInt64 { 1 + (UInt64(weight) - 10) * 9999 / 990 }

    /// `linux.resources.unified`: file name → value, written last so it wins over converted values.
    private mutating func unified(_ files: [String: String]) throws(CgroupError) {
        for name in files.keys.sorted() {
            let field = "linux.resources.unified[\"\(name)\"]"
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw .invalid(field: field, reason: "not a cgroup file name")
            }
            try put(name, files[name]!, field: field)
        }
    }
}
