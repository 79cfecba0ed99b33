import OCISpec
import Testing
@testable import RuneCgroups

@Suite struct StatsParsingTests {
    @Test func cpuListsExpand() {
        #expect(StatsParsing.cpuList("0-2,5") == [0, 1, 2, 5])
        #expect(StatsParsing.cpuList("") == nil)
    }

    /// v1 accounting files in a temp tree → runc's statistics, then JSON with runc's keys and omissions.
    @Test func legacyStatsFromFiles() throws {
        let tree = TestTree()
        tree.file("cpuacct/c/cpuacct.usage", "29665379\n")
        tree.file("cpuacct/c/cpuacct.usage_percpu", "29665379 0 \n")
        tree.file("cpuacct/c/cpuacct.usage_all", "cpu user system\n0 4000000 20000000\n1 0 0\n")
        tree.file("cpuacct/c/cpuacct.stat", "user 0\nsystem 2\n")
        tree.file("cpu/c/cpu.stat", "nr_periods 2\nnr_throttled 0\nthrottled_time 0\n")
        tree.file("memory/c/memory.stat", "cache 0\nrss 57344\n")
        tree.file("memory/c/memory.limit_in_bytes", "104857600\n")
        tree.file("memory/c/memory.usage_in_bytes", "307200\n")
        tree.file("memory/c/memory.max_usage_in_bytes", "1994752\n")
        tree.file("memory/c/memory.failcnt", "0\n")
        tree.file("pids/c/pids.current", "1\n")
        tree.file("pids/c/pids.max", "max\n")
        tree.file("blkio/c/blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n")
        let m = CgroupManager(paths: ["cpuacct": tree.path("cpuacct/c"), "cpu": tree.path("cpu/c"),
                                      "memory": tree.path("memory/c"), "pids": tree.path("pids/c"), "blkio": tree.path("blkio/c")])
        let s = try m.stats()
        #expect(s.cpu.usage.total == 29_665_379)
        #expect(s.cpu.usage.percpu == [29_665_379, 0])
        #expect(s.cpu.usage.percpuKernel == [20_000_000, 0])
        #expect(s.cpu.usage.percpuUser == [4_000_000, 0])
        #expect(s.cpu.usage.kernel == 20_000_000 && s.cpu.usage.user == 0)
        #expect(s.cpu.throttling.periods == 2 && s.cpu.throttling.throttledPeriods == nil)
        #expect(s.memory.usage.limit == 104_857_600 && s.memory.usage.usage == 307_200)
        #expect(s.memory.raw?["rss"] == 57_344)
        #expect(s.pids.current == 1 && s.pids.limit == nil)
        #expect(s.blkio.ioServiceBytesRecursive?.count == 2)
        let json = OCIJSON.encode(s)
        #expect(json.contains("\"throttling\":{\"periods\":2}"))
        #expect(json.contains("\"pids\":{\"current\":1}"))
        #expect(json.contains("\"network_interfaces\":null"))
        #expect(json.contains("\"intel_rdt\":{}"))
        #expect(json.contains("{\"major\":8,\"op\":\"Write\"}"))
        let back = try OCIJSON.decode(CgroupStats.self, from: Array(json.utf8), name: "stats")
        #expect(back == s)
    }

    @Test func unifiedStatsFromFiles() throws {
        let tree = TestTree()
        tree.file("c/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 3\nnr_throttled 1\nthrottled_usec 7\n")
        tree.file("c/memory.current", "4096\n")
        tree.file("c/memory.max", "max\n")
        tree.file("c/memory.stat", "anon 4096\nfile 8192\n")
        tree.file("c/memory.swap.current", "100\n")
        tree.file("c/memory.swap.max", "max\n")
        tree.file("c/io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n")
        tree.file("c/pids.current", "3\n")
        tree.file("c/pids.max", "20\n")
        let s = try CgroupManager(paths: ["unified": tree.path("c")]).stats()
        #expect(s.cpu.usage.total == 1_500_000 && s.cpu.usage.kernel == 500_000)
        #expect(s.cpu.throttling.throttledTime == 7000)
        #expect(s.memory.cache == 8192 && s.memory.usage.limit == UInt64.max)
        #expect(s.memory.swap.usage == 4196)
        #expect(s.blkio.ioServicedRecursive?.map(\.value) == [1, 2])
        #expect(s.pids.limit == 20)
    }

    @Test func oomKillCountReadsTheRightFile() {
        let tree = TestTree()
        tree.file("memory/c/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n")
        tree.file("u/memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\n")
        #expect(CgroupManager(paths: ["memory": tree.path("memory/c")]).oomKillCount() == 3)
        #expect(CgroupManager(paths: ["unified": tree.path("u")]).oomKillCount() == 2)
        #expect(CgroupManager(paths: ["unified": tree.path("gone")]).oomKillCount() == 0)
    }
}
