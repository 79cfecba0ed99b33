import OCISpec

/// One control-file write.
struct PlannedWrite: Equatable, Sendable {
    var path: String
    var value: String
}

/// The cgroup v1 writes for `linux.resources`, in runc's subsystem order (cpuset, memory, cpu, pids,
/// blkio, hugetlb, net_cls, net_prio, rdma); devices are handled by `DeviceRules`. Building the plan
/// checks everything, so a bad value fails before any file is touched.
struct LegacyPlan {
    let paths: [String: String]
    var writes: [PlannedWrite] = []
    var warnings: [String] = []

    init(paths: [String: String]) { self.paths = paths }

    mutating func add(_ resources: LinuxResources?) throws(CgroupError) {
        guard let r = resources else { return }
        if let memory = r.memory { try ResourceChecks.memory(memory) }
        if let cpu = r.cpu { try ResourceChecks.cpu(cpu) }
        if let blockIO = r.blockIO { try ResourceChecks.blockIO(blockIO) }
        try cpuset(r.cpu)
        try memory(r.memory)
        try cpu(r.cpu)
        try pids(r.pids)
        try blockIO(r.blockIO)
        try hugetlb(r.hugepageLimits ?? [])
        try network(r.network)
        try rdma(r.rdma ?? [:])
        try unified(r.unified ?? [:])
        if let warning = ResourceChecks.kernelMemoryWarning(r.memory) { warnings.append(warning) }
    }

    func execute() throws(CgroupError) {
        for write in writes { try CgroupFiles.write(write.path, write.value) }
    }

    /// The directory of a subsystem, or a clear error naming the field that needs it.
    private func dir(_ subsystem: String, for field: String) throws(CgroupError) -> String {
        guard let dir = paths[subsystem] else {
            throw .unsupported(field: field, reason: "the \(subsystem) cgroup controller is not mounted")
        }
        return dir
    }

    private mutating func put(_ dir: String, _ file: String, _ value: String) {
        writes.append(PlannedWrite(path: dir + "/" + file, value: value))
    }

    /// Writes `value` to the first of `files` that exists in `dir`, or fails naming the field.
    private mutating func putFirst(_ dir: String, _ files: [String], _ value: String, field: String) throws(CgroupError) {
        guard let file = files.first(where: { CgroupFiles.exists(dir + "/" + $0) }) else {
            throw .unsupported(field: field, reason: "the kernel has no \(files.joined(separator: " or ")) in \(dir)")
        }
        put(dir, file, value)
    }

    private mutating func cpuset(_ c: LinuxCPU?) throws(CgroupError) {
        guard let c else { return }
        let cpus = c.cpus ?? "", mems = c.mems ?? ""
        if cpus.isEmpty && mems.isEmpty { return }
        let dir = try dir("cpuset", for: "linux.resources.cpu.cpus")
        if !cpus.isEmpty { put(dir, "cpuset.cpus", cpus) }
        if !mems.isEmpty { put(dir, "cpuset.mems", mems) }
    }

    private mutating func memory(_ m: LinuxMemory?) throws(CgroupError) {
        guard let m else { return }
        let field = ResourceChecks.memoryField
        var limit = m.limit ?? 0, swap = m.swap ?? 0
        let wantsWrite = limit != 0 || swap != 0 || (m.reservation ?? 0) != 0 || m.swappiness != nil
            || m.disableOOMKiller == true
        guard wantsWrite else { return }
        let dir = try dir("memory", for: field)
        let swapFile = "memory.memsw.limit_in_bytes"
        // Unlimited memory with swap unset means unlimited swap too (when the kernel accounts swap).
        if limit == -1 && swap == 0 && CgroupFiles.exists(dir + "/" + swapFile) { swap = -1 }
        if swap != 0 && !CgroupFiles.exists(dir + "/" + swapFile) {
            throw .unsupported(field: field + ".swap", reason: "the kernel does not account swap (no \(swapFile))")
        }
        if limit != 0 && swap != 0 {
            // The kernel keeps memsw >= memory at every step, so the order depends on the current limit.
            let current = CgroupFiles.readUInt(dir + "/memory.limit_in_bytes")
            if swap == -1 || current < UInt64(swap) {
                put(dir, swapFile, String(swap)); put(dir, "memory.limit_in_bytes", String(limit))
            } else {
                put(dir, "memory.limit_in_bytes", String(limit)); put(dir, swapFile, String(swap))
            }
            limit = 0; swap = 0
        }
        if limit != 0 { put(dir, "memory.limit_in_bytes", String(limit)) }
        if swap != 0 { put(dir, swapFile, String(swap)) }
        if let reservation = m.reservation, reservation != 0 { put(dir, "memory.soft_limit_in_bytes", String(reservation)) }
        if let swappiness = m.swappiness { put(dir, "memory.swappiness", String(swappiness)) }
        if m.disableOOMKiller == true { put(dir, "memory.oom_control", "1") }
    }

    private mutating func cpu(_ c: LinuxCPU?) throws(CgroupError) {
        guard let c else { return }
        let field = ResourceChecks.cpuField
        let shares = c.shares ?? 0, period = c.period ?? 0, quota = c.quota ?? 0
        let rtPeriod = c.realtimePeriod ?? 0, rtRuntime = c.realtimeRuntime ?? 0
        guard shares != 0 || period != 0 || quota != 0 || c.burst != nil || rtPeriod != 0 || rtRuntime != 0
            || c.idle != nil else { return }
        let dir = try dir("cpu", for: field)
        if shares != 0 { put(dir, "cpu.shares", String(shares)) }
        if period != 0 { put(dir, "cpu.cfs_period_us", String(period)) }
        if quota != 0 { put(dir, "cpu.cfs_quota_us", String(quota)) }
        if let burst = c.burst { try putFirst(dir, ["cpu.cfs_burst_us"], String(burst), field: field + ".burst") }
        if rtPeriod != 0 { try putFirst(dir, ["cpu.rt_period_us"], String(rtPeriod), field: field + ".realtimePeriod") }
        if rtRuntime != 0 { try putFirst(dir, ["cpu.rt_runtime_us"], String(rtRuntime), field: field + ".realtimeRuntime") }
        if let idle = c.idle { try putFirst(dir, ["cpu.idle"], String(idle), field: field + ".idle") }
    }

    private mutating func pids(_ p: LinuxPids?) throws(CgroupError) {
        guard let p, p.limit != 0 else { return }
        let dir = try dir("pids", for: "linux.resources.pids.limit")
        put(dir, "pids.max", p.limit > 0 ? String(p.limit) : "max")
    }

    private mutating func blockIO(_ b: LinuxBlockIO?) throws(CgroupError) {
        guard let b else { return }
        let field = "linux.resources.blockIO"
        let throttles: [(String, [LinuxThrottleDevice]?, String)] = [
            ("throttleReadBpsDevice", b.throttleReadBpsDevice, "blkio.throttle.read_bps_device"),
            ("throttleWriteBpsDevice", b.throttleWriteBpsDevice, "blkio.throttle.write_bps_device"),
            ("throttleReadIOPSDevice", b.throttleReadIOPSDevice, "blkio.throttle.read_iops_device"),
            ("throttleWriteIOPSDevice", b.throttleWriteIOPSDevice, "blkio.throttle.write_iops_device"),
        ]
        let hasWork = (b.weight ?? 0) != 0 || (b.leafWeight ?? 0) != 0 || !(b.weightDevice ?? []).isEmpty
            || throttles.contains { !($0.1 ?? []).isEmpty }
        guard hasWork else { return }
        let dir = try dir("blkio", for: field)
        if let weight = b.weight, weight != 0 {
            try putFirst(dir, ["blkio.weight", "blkio.bfq.weight"], String(weight), field: field + ".weight")
        }
        if let leaf = b.leafWeight, leaf != 0 {
            try putFirst(dir, ["blkio.leaf_weight"], String(leaf), field: field + ".leafWeight")
        }
        for (index, device) in (b.weightDevice ?? []).enumerated() {
            let sub = "\(field).weightDevice[\(index)]"
            if let weight = device.weight, weight != 0 {
                try putFirst(dir, ["blkio.weight_device", "blkio.bfq.weight_device"],
                             ResourceChecks.deviceLine(device.major, device.minor, String(weight)), field: sub + ".weight")
            }
            if let leaf = device.leafWeight, leaf != 0 {
                try putFirst(dir, ["blkio.leaf_weight_device"],
                             ResourceChecks.deviceLine(device.major, device.minor, String(leaf)), field: sub + ".leafWeight")
            }
        }
        for (name, devices, file) in throttles {
            for (index, device) in (devices ?? []).enumerated() {
                try putFirst(dir, [file], ResourceChecks.deviceLine(device.major, device.minor, String(device.rate)),
                             field: "\(field).\(name)[\(index)]")
            }
        }
    }

    private mutating func hugetlb(_ limits: [LinuxHugepageLimit]) throws(CgroupError) {
        guard !limits.isEmpty else { return }
        let dir = try dir("hugetlb", for: "linux.resources.hugepageLimits")
        for (index, limit) in limits.enumerated() {
            try putFirst(dir, ["hugetlb.\(limit.pageSize).limit_in_bytes"], String(limit.limit),
                         field: "linux.resources.hugepageLimits[\(index)].pageSize")
        }
    }

    private mutating func network(_ n: LinuxNetwork?) throws(CgroupError) {
        guard let n else { return }
        if let classID = n.classID {
            put(try dir("net_cls", for: "linux.resources.network.classID"), "net_cls.classid", String(classID))
        }
        for priority in n.priorities ?? [] {
            put(try dir("net_prio", for: "linux.resources.network.priorities"), "net_prio.ifpriomap",
                "\(priority.name) \(priority.priority)")
        }
    }

    /// runc 1.1 refuses `linux.resources.unified` on v1 and hybrid hosts alike ("cannot use unified
    /// on cgroup v1"); so does rune, so a bundle fails the same way under both.
    private func unified(_ files: [String: String]) throws(CgroupError) {
        guard !files.isEmpty else { return }
        throw .unsupported(field: "linux.resources.unified", reason: "cgroup v2 files cannot be set on a cgroup v1 host")
    }

    private mutating func rdma(_ limits: [String: LinuxRdma]) throws(CgroupError) {
        guard !limits.isEmpty else { return }
        let dir = try dir("rdma", for: "linux.resources.rdma")
        for name in limits.keys.sorted() {
            put(dir, "rdma.max", RdmaLine.make(name, limits[name]!))
        }
    }
}

enum RdmaLine {
    /// "mlx4_0 hca_handle=2 hca_object=2000"; unset values stay as they are ("max" would lift them).
    static func make(_ device: String, _ limit: LinuxRdma) -> String {
        var line = device
        if let handles = limit.hcaHandles { line += " hca_handle=\(handles)" }
        if let objects = limit.hcaObjects { line += " hca_object=\(objects)" }
        return line
    }
}
