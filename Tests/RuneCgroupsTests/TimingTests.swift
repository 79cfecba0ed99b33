import Glibc
import OCISpec
import RuneSystem
import Testing
@testable import RuneCgroups

/// Opt-in figures (RUNE_CGROUP_TIMINGS=1): what the cgroup part of create/delete costs for the
/// default `runc spec` resources. Printed, never asserted.
@Suite(.enabled(if: geteuid() == 0 && getenv("RUNE_CGROUP_TIMINGS") != nil))
struct TimingTests {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1e6 + Double(ts.tv_nsec) / 1e3
    }

    @Test func defaultSpecCgroupCost() throws {
        let resources = LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm")])
        var phases: [String: [Double]] = [:]
        for round in 0..<50 {
            let id = "rune-test-time-\(round)-" + randomSuffix()
            var t = Self.now()
            func lap(_ name: String) { let n = Self.now(); phases[name, default: []].append(n - t); t = n }
            let m = try CgroupManager.load(cgroupsPath: nil, containerID: id)
            lap("load")
            try m.create()
            lap("create")
            try m.apply(resources)
            lap("apply")
            let child = Child.start(["sleep", "1000"])
            t = Self.now()
            try m.add(pid: child.pid)
            lap("add")
            _ = try m.stats()
            lap("stats")
            child.kill()
            t = Self.now()
            try m.destroy()
            lap("destroy")
        }
        for name in ["load", "create", "apply", "add", "stats", "destroy"] {
            let sorted = phases[name]!.sorted()
            print("cgroup \(name): median \(Int(sorted[sorted.count / 2])) µs, min \(Int(sorted[0])) µs")
        }
    }
}
