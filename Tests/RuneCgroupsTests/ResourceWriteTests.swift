import OCISpec
import RuneSystem
import Testing
@testable import RuneCgroups

/// Value conversion and file writes against a temp tree whose control files are plain files.
@Suite struct ResourceWriteTests {
    /// A v1 container cgroup "c" in every hierarchy, with the files this host's kernel has.
    static func legacyTree() -> (TestTree, CgroupManager) {
        let tree = TestTree()
        var paths: [String: String] = [:]
        for name in ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids"] {
            tree.dir(name + "/c")
            paths[name] = tree.path(name + "/c")
        }
        for file in ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
                     "memory.swappiness", "memory.oom_control"] {
            tree.file("memory/c/" + file, file == "memory.limit_in_bytes" ? "9223372036854771712\n" : "")
        }
        for file in ["cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.rt_period_us", "cpu.rt_runtime_us"] {
            tree.file("cpu/c/" + file)
        }
        for file in ["pids.max", "blkio.bfq.weight", "blkio.bfq.weight_device", "blkio.throttle.read_bps_device",
                     "cpuset.cpus", "cpuset.mems", "devices.allow", "devices.deny", "devices.list"] {
            let dir = file.hasPrefix("pids") ? "pids" : file.hasPrefix("blkio") ? "blkio" : file.hasPrefix("cpuset") ? "cpuset" : "devices"
            tree.file("\(dir)/c/\(file)")
        }
        return (tree, CgroupManager(paths: paths))
    }

    @Test func memoryCpuPidsAndBlkioReachTheirFiles() throws {
        let (tree, m) = Self.legacyTree()
        var r = LinuxResources()
        r.memory = LinuxMemory(limit: 104_857_600, reservation: 52_428_800, swap: 209_715_200, swappiness: 10)
        r.cpu = LinuxCPU(shares: 512, quota: 50_000, period: 100_000, cpus: "0", mems: "0")
        r.pids = LinuxPids(limit: 64)
        r.blockIO = LinuxBlockIO(weight: 500, throttleReadBpsDevice: [LinuxThrottleDevice(major: 8, minor: 0, rate: 1000)])
        let warnings = try m.update(r)
        #expect(warnings.isEmpty)
        #expect(tree.read("memory/c/memory.limit_in_bytes") == "104857600")
        #expect(tree.read("memory/c/memory.memsw.limit_in_bytes") == "209715200")
        #expect(tree.read("memory/c/memory.soft_limit_in_bytes") == "52428800")
        #expect(tree.read("memory/c/memory.swappiness") == "10")
        #expect(tree.read("cpu/c/cpu.shares") == "512")
        #expect(tree.read("cpu/c/cpu.cfs_quota_us") == "50000")
        #expect(tree.read("cpu/c/cpu.cfs_period_us") == "100000")
        #expect(tree.read("cpuset/c/cpuset.cpus") == "0")
        #expect(tree.read("pids/c/pids.max") == "64")
        // No blkio.weight on this kernel: the BFQ file takes the weight, as runc does.
        #expect(tree.read("blkio/c/blkio.bfq.weight") == "500")
        #expect(tree.read("blkio/c/blkio.throttle.read_bps_device") == "8:0 1000")
        #expect(tree.read("memory/c/memory.oom_control") == "")
    }

    /// The kernel keeps memsw >= memory at each step: raising both writes swap first.
    @Test func memoryAndSwapOrderFollowsTheCurrentLimit() throws {
        let (tree, m) = Self.legacyTree()
        tree.file("memory/c/memory.limit_in_bytes", "1000\n")
        var plan = LegacyPlan(paths: m.paths)
        try plan.add(LinuxResources(memory: LinuxMemory(limit: 2_000_000, swap: 4_000_000)))
        #expect(plan.writes.map { $0.path.split(separator: "/").last! } == ["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"])
        tree.file("memory/c/memory.limit_in_bytes", "9000000\n")
        var lower = LegacyPlan(paths: m.paths)
        try lower.add(LinuxResources(memory: LinuxMemory(limit: 2_000_000, swap: 4_000_000)))
        #expect(lower.writes.map { $0.path.split(separator: "/").last! } == ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"])
    }

    @Test func unlimitedMemoryAlsoLiftsSwapAndPidsMinusOneIsMax() throws {
        let (tree, m) = Self.legacyTree()
        try m.update(LinuxResources(memory: LinuxMemory(limit: -1), pids: LinuxPids(limit: -1)))
        #expect(tree.read("memory/c/memory.memsw.limit_in_bytes") == "-1")
        #expect(tree.read("memory/c/memory.limit_in_bytes") == "-1")
        #expect(tree.read("pids/c/pids.max") == "max")
    }

    @Test func kernelMemoryIsIgnoredWithAWarning() throws {
        let (tree, m) = Self.legacyTree()
        let warnings = try m.update(LinuxResources(memory: LinuxMemory(kernel: 1_000_000, kernelTCP: 1_000_000)))
        #expect(warnings.count == 1 && warnings[0].contains("kernel"))
        #expect(!FileSystemProbe.exists(tree.path("memory/c/memory.kmem.limit_in_bytes")))
    }

    @Test(arguments: [
        (LinuxResources(memory: LinuxMemory(limit: -5)), "linux.resources.memory.limit"),
        (LinuxResources(memory: LinuxMemory(reservation: -2)), "linux.resources.memory.reservation"),
        (LinuxResources(memory: LinuxMemory(limit: 2000, swap: 1000)), "linux.resources.memory.swap"),
        (LinuxResources(memory: LinuxMemory(swappiness: 101)), "linux.resources.memory.swappiness"),
        (LinuxResources(cpu: LinuxCPU(shares: 1)), "linux.resources.cpu.shares"),
        (LinuxResources(cpu: LinuxCPU(quota: -7)), "linux.resources.cpu.quota"),
        (LinuxResources(cpu: LinuxCPU(quota: 500, period: 100_000)), "linux.resources.cpu.quota"),
        (LinuxResources(cpu: LinuxCPU(period: 10)), "linux.resources.cpu.period"),
        (LinuxResources(blockIO: LinuxBlockIO(weight: 1001)), "linux.resources.blockIO.weight"),
        (LinuxResources(devices: [LinuxDeviceCgroup(allow: true, type: "x")]), "linux.resources.devices[0].type"),
        (LinuxResources(devices: [LinuxDeviceCgroup(allow: true, type: "c", access: "rwx")]), "linux.resources.devices[0].access"),
        (LinuxResources(hugepageLimits: [LinuxHugepageLimit(pageSize: "2MB", limit: 1)]), "linux.resources.hugepageLimits"),
        (LinuxResources(network: LinuxNetwork(classID: 1)), "linux.resources.network.classID"),
        (LinuxResources(unified: ["memory.max": "1"]), "linux.resources.unified"),
    ])
    func badOrUnsupportedValuesNameTheFieldAndWriteNothing(resources: LinuxResources, field: String) {
        let (tree, m) = Self.legacyTree()
        #expect {
            try m.apply(resources)
        } throws: { error in
            (error as? CgroupError)?.description.contains(field) == true
        }
        #expect(tree.read("devices/c/devices.deny") == "")
        #expect(tree.read("memory/c/memory.limit_in_bytes") == "9223372036854771712\n")
    }

    /// runc 1.1 refuses `unified` on hybrid hosts too (checked against runc on this host).
    @Test func unifiedFilesAreRefusedOnHybrid() throws {
        let (tree, m) = Self.legacyTree()
        tree.file("unified/c/cgroup.max.depth", "max\n")
        var paths = m.paths
        paths["unified"] = tree.path("unified/c")
        #expect(throws: CgroupError.self) {
            try CgroupManager(paths: paths).update(LinuxResources(unified: ["cgroup.max.depth": "3"]))
        }
        #expect(tree.read("unified/c/cgroup.max.depth") == "max\n")
    }

    @Test func writeFailureNamesFileAndValue() {
        let m = CgroupManager(paths: ["pids": "/nonexistent-rune-test/c"])
        #expect {
            try m.update(LinuxResources(pids: LinuxPids(limit: 5)))
        } throws: { error in
            "\(error)" == "cgroup: write /nonexistent-rune-test/c/pids.max \"5\": no such file or directory"
        }
    }

    // MARK: cgroup v2

    static func unifiedTree() -> (TestTree, CgroupManager) {
        let tree = TestTree()
        for file in ["cpu.weight", "cpu.max", "memory.max", "memory.swap.max", "memory.low", "pids.max", "io.weight",
                     "io.max", "cpuset.cpus", "cpuset.mems", "memory.high"] {
            tree.file("c/" + file, file == "cpu.max" ? "max 100000\n" : "")
        }
        return (tree, CgroupManager(paths: ["unified": tree.path("c")]))
    }

    @Test func sharesBecomeWeightAndSwapBecomesSwapOnly() throws {
        let (tree, m) = Self.unifiedTree()
        var r = LinuxResources()
        r.cpu = LinuxCPU(shares: 1024, quota: 50_000)
        r.memory = LinuxMemory(limit: 100_000_000, reservation: 1000, swap: 300_000_000)
        r.pids = LinuxPids(limit: 10)
        r.blockIO = LinuxBlockIO(weight: 500, throttleWriteIOPSDevice: [LinuxThrottleDevice(major: 8, minor: 16, rate: 7)])
        r.unified = ["memory.high": "90000000"]
        try m.update(r)
        #expect(tree.read("c/cpu.weight") == "39")
        #expect(tree.read("c/cpu.max") == "50000 100000")
        #expect(tree.read("c/memory.max") == "100000000")
        #expect(tree.read("c/memory.swap.max") == "200000000")
        #expect(tree.read("c/memory.low") == "1000")
        #expect(tree.read("c/pids.max") == "10")
        #expect(tree.read("c/io.weight") == "4950")
        #expect(tree.read("c/io.max") == "8:16 wiops=7")
        #expect(tree.read("c/memory.high") == "90000000")
    }

    @Test func conversionsMatchRunc() throws {
        #expect(UnifiedPlan.weight(fromShares: 2) == 1)
        #expect(UnifiedPlan.weight(fromShares: 262_144) == 10_000)
        #expect(UnifiedPlan.ioWeight(fromBlkio: 10) == 1)
        #expect(UnifiedPlan.ioWeight(fromBlkio: 1000) == 10_000)
        #expect(UnifiedPlan.cpuMax(quota: -1, period: 0, current: "20000 50000") == "max 50000")
        #expect(UnifiedPlan.cpuMax(quota: 0, period: 200_000, current: "20000 50000") == "20000 200000")
        #expect(try UnifiedPlan.swapMax(swap: 0, limit: -1) == -1)
        #expect(try UnifiedPlan.swapMax(swap: 0, limit: 5) == nil)
        #expect(throws: CgroupError.self) { try UnifiedPlan.swapMax(swap: 10, limit: 0) }
    }

    /// On v2 device rules become a filter program (attached for real in DeviceFilterTests); `update`
    /// leaves devices alone.
    @Test func unifiedDeviceRulesBecomeAProgram() throws {
        let (tree, _) = Self.unifiedTree()
        var plan = UnifiedPlan(dir: tree.path("c"))
        try plan.add(nil, deviceRules: [LinuxDeviceCgroup(allow: false, access: "rwm")] + DeviceRules.defaultAllowed)
        #expect(plan.writes.isEmpty)
        #expect((plan.deviceProgram?.count ?? 0) > 16 * 8)
        var none = UnifiedPlan(dir: tree.path("c"))
        try none.add(LinuxResources(devices: [LinuxDeviceCgroup(allow: false)]), deviceRules: nil)
        #expect(none.deviceProgram == nil)
    }

    @Test func unifiedRejectsV1OnlySettings() {
        let (_, m) = Self.unifiedTree()
        for r in [LinuxResources(memory: LinuxMemory(swappiness: 5)), LinuxResources(cpu: LinuxCPU(realtimeRuntime: 5)),
                  LinuxResources(network: LinuxNetwork(classID: 3)), LinuxResources(memory: LinuxMemory(disableOOMKiller: true))] {
            #expect(throws: CgroupError.self) { try m.update(r) }
        }
    }
}

enum FileSystemProbe {
    static func exists(_ path: String) -> Bool { CgroupFiles.exists(path) }
    static func isDirectory(_ path: String) -> Bool { RuneSystem.FileSystem.isDirectory(path) }
}
