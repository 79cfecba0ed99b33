import Glibc
import OCISpec
import RuneSystem
import Testing
@testable import RuneCgroups

/// Real cgroups on this host (root only): /sys/fs/cgroup/<hierarchy>/rune-test-<random>.
@Suite(.enabled(if: geteuid() == 0, "needs root to create cgroups"))
struct RealCgroupTests {
    static let defaultDevices = [LinuxDeviceCgroup(allow: false, access: "rwm")]

    static func read(_ path: String) -> String { CgroupFiles.readTrimmed(path) ?? "<missing>" }

    @Test func lifecycleOfARealCgroup() throws {
        let id = "rune-test-" + randomSuffix()
        let m = try CgroupManager.load(cgroupsPath: "/" + id, containerID: id)
        try m.create()
        let child = Child.start(["sleep", "1000"])
        var destroyed = false
        defer {
            if !destroyed { child.kill(); try? m.destroy() }
        }
        try m.add(pid: child.pid)
        var r = LinuxResources(devices: Self.defaultDevices)
        r.memory = LinuxMemory(limit: 64 << 20)
        r.pids = LinuxPids(limit: 32)
        try m.apply(r)

        // The kernel holds what was written, and the child is in the container cgroup everywhere.
        #expect(Self.read(m.paths["memory"]! + "/memory.limit_in_bytes") == String(64 << 20))
        #expect(Self.read(m.paths["pids"]! + "/pids.max") == "32")
        let devices = Self.read(m.paths["devices"]! + "/devices.list").split(separator: "\n")
        #expect(devices == ["b *:* m", "c *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
                            "c 5:0 rwm", "c 5:2 rwm", "c 10:200 rwm", "c 136:* rwm"])
        let procCgroup = try FileSystem.readString("/proc/\(child.pid)/cgroup")
        for line in procCgroup.split(separator: "\n") { #expect(line.hasSuffix("/" + id)) }
        #expect(try m.pids() == [child.pid])
        #expect(!Self.read(m.paths["cpuset"]! + "/cpuset.cpus").isEmpty)

        try m.freeze()
        #expect(Self.read(m.paths["freezer"]! + "/freezer.state") == "FROZEN")
        #expect(m.freezerState() == "FROZEN")
        try m.thaw()
        #expect(Self.read(m.paths["freezer"]! + "/freezer.state") == "THAWED")
        #expect(m.freezerState() == "THAWED")

        let stats = try m.stats()
        #expect(stats.pids.current == 1)
        #expect(stats.pids.limit == 32)
        #expect(stats.memory.usage.limit == 64 << 20)
        // Pages stay charged where they were touched, so the usage is whatever the kernel says.
        #expect(stats.memory.usage.usage == nonZero(UInt64(Self.read(m.paths["memory"]! + "/memory.usage_in_bytes")) ?? 1))
        #expect(!(stats.cpuset.cpus ?? []).isEmpty)

        try m.update(LinuxResources(pids: LinuxPids(limit: 16)))
        #expect(Self.read(m.paths["pids"]! + "/pids.max") == "16")
        // update leaves the device list alone.
        #expect(Self.read(m.paths["devices"]! + "/devices.list").split(separator: "\n") == devices)

        child.kill()
        try m.destroy()
        destroyed = true
        for path in m.paths.values { #expect(!FileSystem.exists(path), "left behind: \(path)") }
    }

    /// The memory limit is enforced: a process that touches more is OOM-killed and counted.
    @Test func memoryLimitIsEnforcedAndOOMKillsAreCounted() throws {
        let id = "rune-test-" + randomSuffix()
        let m = try CgroupManager.load(cgroupsPath: "/" + id, containerID: id)
        try m.create()
        defer { try? m.destroy() }
        try m.apply(LinuxResources(memory: LinuxMemory(limit: 16 << 20, swap: 16 << 20)))
        // The shell waits on stdin until it is in the cgroup, then dd fills a 64 MiB buffer.
        let child = Child.start(["sh", "-c", "read go; exec dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null"],
                                holdStdin: true)
        try m.add(pid: child.pid)
        child.release()
        let status = child.wait()
        #expect(status & 0x7f == SIGKILL, "dd should have been OOM-killed, wait status \(status)")
        #expect(m.oomKillCount() >= 1)
    }

    @Test func destroyOfMissingCgroupIsFineAndBusyCgroupFails() throws {
        let id = "rune-test-" + randomSuffix()
        let m = try CgroupManager.load(cgroupsPath: "/" + id, containerID: id)
        try m.destroy()
        try m.create()
        let child = Child.start(["sleep", "1000"])
        try m.add(pid: child.pid)
        #expect(throws: CgroupError.self) { try m.destroy() }
        child.kill()
        try m.destroy()
        for path in m.paths.values { #expect(!FileSystem.exists(path)) }
    }

    /// Missing cpuset levels are made and filled on the way down, and an existing level left empty (a
    /// cpuset that cannot take tasks) is filled from its parent before its child copies it.
    @Test func nestedCpusetLevelsAreFilled() throws {
        let top = "rune-test-" + randomSuffix()
        let root = "/sys/fs/cgroup/cpuset"
        guard FileSystem.exists(root + "/cpuset.cpus") else { return }
        defer { for dir in ["/\(top)/a/b/c", "/\(top)/a/b", "/\(top)/a", "/\(top)/x/y", "/\(top)/x", "/\(top)"] { rmdir(root + dir) } }
        try CpusetTree.create(root + "/\(top)/a/b/c")
        try FileSystem.makeDirectories(root + "/\(top)/x")
        #expect(Self.read(root + "/\(top)/x/cpuset.cpus").isEmpty)
        try CpusetTree.create(root + "/\(top)/x/y")
        for dir in ["/\(top)", "/\(top)/a", "/\(top)/a/b", "/\(top)/a/b/c", "/\(top)/x", "/\(top)/x/y"] {
            #expect(Self.read(root + dir + "/cpuset.cpus") == Self.read(root + "/cpuset.cpus"), "\(dir)")
            #expect(Self.read(root + dir + "/cpuset.mems") == Self.read(root + "/cpuset.mems"), "\(dir)")
        }
        // Made again: already filled, left alone.
        try CpusetTree.create(root + "/\(top)/a/b/c")
    }

    @Test func invalidValueFromTheKernelNamesFileAndValue() throws {
        let id = "rune-test-" + randomSuffix()
        let m = try CgroupManager.load(cgroupsPath: "/" + id, containerID: id)
        try m.create()
        defer { try? m.destroy() }
        #expect {
            try m.update(LinuxResources(cpu: LinuxCPU(cpus: "99999")))
        } throws: { error in
            "\(error)" == "cgroup: write \(m.paths["cpuset"]!)/cpuset.cpus \"99999\": numerical result out of range"
        }
    }
}
