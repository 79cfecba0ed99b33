import Glibc
import OCISpec
import RuneSystem
import Testing
@testable import RuneCgroups

/// The same bundle's resources under runc and under RuneCgroups must leave the same values in the
/// kernel's files. runc runs a real busybox container; rune's side is a `sleep` in a cgroup of its own.
@Suite(.enabled(if: geteuid() == 0 && FileSystem.exists("/usr/sbin/runc"), "needs root and runc"))
struct RuncComparisonTests {
    static let repo: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static let resources = """
    {"memory":{"limit":104857600,"reservation":52428800,"swap":209715200,"swappiness":10,"kernel":52428800},
     "cpu":{"shares":512,"quota":50000,"period":100000,"cpus":"0","mems":"0"},
     "pids":{"limit":64},"blockIO":{"weight":500}}
    """

    /// (hierarchy, file) pairs compared between the two cgroups.
    static let files = [
        ("memory", "memory.limit_in_bytes"), ("memory", "memory.memsw.limit_in_bytes"),
        ("memory", "memory.soft_limit_in_bytes"), ("memory", "memory.swappiness"), ("memory", "memory.oom_control"),
        ("cpu", "cpu.shares"), ("cpu", "cpu.cfs_quota_us"), ("cpu", "cpu.cfs_period_us"),
        ("cpuset", "cpuset.cpus"), ("cpuset", "cpuset.mems"), ("pids", "pids.max"),
        ("blkio", "blkio.bfq.weight"), ("devices", "devices.list"),
    ]

    @Test func sameFilesAsRunc() throws {
        let tree = TestTree()
        let bundle = tree.path("bundle")
        let suffix = randomSuffix()
        let runcID = "rune-test-runc-" + suffix
        let prepare = """
        sh \(Self.repo)/scripts/mkbundle.sh \(bundle) >/dev/null && cd \(bundle) && \
        jq '.process.args = ["sleep", "1000"] | .linux.cgroupsPath = "/\(runcID)" | .linux.resources += \(Self.resources.replacingNewlines())' \
        config.json > c.json && mv c.json config.json
        """
        #expect(run(["sh", "-c", prepare]).status == 0)
        let spec = try Spec.load(bundle: bundle)
        let runcRoot = tree.path("runc-state")
        let started = run(["sh", "-c", "runc --root \(runcRoot) run -d --bundle \(bundle) \(runcID) </dev/null >/dev/null 2>&1"])
        defer { _ = run(["runc", "--root", runcRoot, "delete", "-f", runcID]) }
        try #require(started.status == 0, "runc run failed")
        let runcPaths = try CgroupManager.load(cgroupsPath: "/" + runcID, containerID: runcID).paths

        let mineID = "rune-test-mine-" + suffix
        let mine = try CgroupManager.load(cgroupsPath: "/" + mineID, containerID: mineID)
        try mine.create()
        let child = Child.start(["sleep", "1000"])
        defer { child.kill(); try? mine.destroy() }
        try mine.add(pid: child.pid)
        let warnings = try mine.apply(spec.linux?.resources)
        #expect(warnings.count == 1, "kernel memory is ignored with a warning, as runc does")

        for (hierarchy, file) in Self.files {
            let theirs = CgroupFiles.readTrimmed(runcPaths[hierarchy]! + "/" + file)
            let ours = CgroupFiles.readTrimmed(mine.paths[hierarchy]! + "/" + file)
            #expect(theirs != nil)
            #expect(ours == theirs, "\(hierarchy)/\(file)")
        }

        // `runc events --stats` data decodes into CgroupStats and encodes back to the same text:
        // same keys, same order, same omissions.
        let events = run(["runc", "--root", runcRoot, "events", "--stats", runcID])
        #expect(events.status == 0)
        let text = events.output.trimmingNewlines()
        let runcData = String(try #require(text.after("\"data\":")).dropLast())
        let decoded = try OCIJSON.decode(CgroupStats.self, from: Array(runcData.utf8), name: "events")
        #expect(OCIJSON.encode(decoded) == runcData)
        // And our own reading of runc's cgroup gives the same limits runc reports.
        let ours = try CgroupManager(paths: runcPaths).stats()
        #expect(ours.memory.usage.limit == decoded.memory.usage.limit)
        #expect(ours.memory.swap.limit == decoded.memory.swap.limit)
        #expect(ours.pids.limit == decoded.pids.limit)
        #expect(ours.cpuset == decoded.cpuset)
    }
}

extension String {
    func replacingNewlines() -> String { split(separator: "\n").joined(separator: " ") }
    func trimmingNewlines() -> String { CgroupFiles.trim(self) }

    /// The text after the first occurrence of `marker`.
    func after(_ marker: String) -> Substring? {
        let bytes = Array(utf8), needle = Array(marker.utf8)
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where Array(bytes[start..<start + needle.count]) == needle {
            return Substring(String(decoding: bytes[(start + needle.count)...], as: UTF8.self))
        }
        return nil
    }
}
