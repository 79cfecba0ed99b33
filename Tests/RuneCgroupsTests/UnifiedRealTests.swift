import Glibc
import OCISpec
import RuneSystem
import Testing
@testable import RuneCgroups

/// The v2 manager on this host's real cgroup2 file system (mounted at /sys/fs/cgroup/unified on a
/// hybrid host, with no controllers bound to it): detection, placement, freezing, the device filter,
/// statistics and removal all work without controllers; limits fail clearly because their files
/// do not exist.
@Suite(.enabled(if: geteuid() == 0 && FileSystem.exists("/sys/fs/cgroup/unified/cgroup.controllers"), "needs root and cgroup2"))
struct UnifiedRealTests {
    static let root = "/sys/fs/cgroup/unified"

    @Test func unifiedManagerOnTheRealCgroup2Hierarchy() throws {
        #expect(try CgroupManager.layoutKind(root: Self.root) == .unified)
        let id = "rune-test-v2-" + randomSuffix()
        // Two new levels: the parent is made on the way (and, as with runc, left for its owner).
        let m = try CgroupManager.load(cgroupsPath: "/\(id)/ctr", containerID: id, root: Self.root)
        #expect(m.isUnified)
        #expect(m.paths == ["unified": Self.root + "/" + id + "/ctr"])
        defer { _ = rmdir(Self.root + "/" + id) }
        try m.create()
        let child = Child.start(["sleep", "1000"])
        var destroyed = false
        defer { if !destroyed { child.kill(); try? m.destroy() } }
        try m.add(pid: child.pid)
        try m.apply(LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm")]))
        #expect(try m.pids() == [child.pid])

        try m.freeze()
        #expect(m.freezerState() == "FROZEN")
        #expect(try FileSystem.readString(m.paths["unified"]! + "/cgroup.events").contains("frozen 1"))
        try m.thaw()
        #expect(m.freezerState() == "THAWED")

        // Work done inside the cgroup shows up in the statistics, converted from µs to ns.
        let busy = try run(["sh", "-c", "read go; i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; echo done"],
                           placedBy: { pid in try m.add(pid: pid) })
        #expect(busy.output == "done\n")
        let stats = try m.stats()
        let usage = CgroupFiles.readKeyValues(m.paths["unified"]! + "/cpu.stat")["usage_usec"] ?? 0
        #expect(usage > 0)
        #expect(stats.cpu.usage.total == usage * 1000)
        #expect {
            try m.update(LinuxResources(pids: LinuxPids(limit: 5)))
        } throws: { error in
            "\(error)".contains("linux.resources.pids.limit") && "\(error)".contains("pids.max")
        }

        child.kill()
        try m.destroy()
        destroyed = true
        #expect(!FileSystem.exists(m.paths["unified"]!))
    }
}
