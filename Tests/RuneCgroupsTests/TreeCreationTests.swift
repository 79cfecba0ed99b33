import Testing
@testable import RuneCgroups

/// Directory creation against temp trees standing in for cgroupfs.
@Suite struct TreeCreationTests {
    /// Each new cpuset level copies cpus and mems from its parent; filled levels are left alone.
    @Test func cpusetLevelsInheritCpusAndMems() throws {
        let tree = TestTree()
        tree.file("cpuset/cpuset.cpus", "0-3\n")
        tree.file("cpuset/cpuset.mems", "0\n")
        tree.file("cpuset/a/cpuset.cpus", "")
        tree.file("cpuset/a/cpuset.mems", "")
        // cgroupfs makes a new directory's control files itself; a temp tree needs them up front.
        tree.file("cpuset/a/b/cpuset.cpus", "")
        tree.file("cpuset/a/b/cpuset.mems", "")
        try CgroupManager(paths: ["cpuset": tree.path("cpuset/a/b")]).create()
        #expect(tree.read("cpuset/a/cpuset.cpus") == "0-3\n")
        #expect(tree.read("cpuset/a/cpuset.mems") == "0\n")
        #expect(tree.read("cpuset/a/b/cpuset.mems") == "0\n")
        #expect(tree.read("cpuset/a/b/cpuset.cpus") == "0-3\n")
    }

    /// Every directory made is reported, parents first, also when a later hierarchy fails: a failed
    /// create removes exactly those (Launch.abort), not a parent that was there before.
    @Test func directoriesMadeAreReportedWhenALaterOneFails() throws {
        let tree = TestTree()
        tree.file("cpu/existing/.keep", "")
        tree.file("pids/blocker", "a file where a directory must go")
        let m = CgroupManager(paths: ["cpu": tree.path("cpu/existing/a/b"), "pids": tree.path("pids/blocker/c")])
        var made: [String] = []
        #expect(throws: CgroupError.self) { try m.create(where: { _ in true }, made: &made) }
        #expect(made == [tree.path("cpu/existing/a"), tree.path("cpu/existing/a/b")])
    }

    /// On cgroup v2 every ancestor offers its controllers to its children before the child is made.
    @Test func unifiedAncestorsEnableTheirControllers() throws {
        let tree = TestTree()
        tree.file("cgroup.controllers", "cpuset cpu io memory pids\n")
        tree.file("cgroup.subtree_control", "cpu\n")
        try CgroupManager(paths: ["unified": tree.path("machine/c1")]).create()
        #expect(tree.read("cgroup.subtree_control") == "+cpuset +io +memory +pids")
        #expect(FileSystemProbe.isDirectory(tree.path("machine/c1")))
    }
}
