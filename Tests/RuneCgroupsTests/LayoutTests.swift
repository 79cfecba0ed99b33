import OCISpec
import Testing
@testable import RuneCgroups

/// Layout detection and path computation against fake mountinfo and /proc/self/cgroup text.
@Suite struct LayoutTests {
    static let hostLikeCgroup = """
    9:name=systemd:/
    8:pids:/
    7:blkio:/
    6:freezer:/
    5:devices:/
    4:memory:/process_api/abc
    3:cpuset:/
    2:cpuacct:/
    1:cpu:/
    0::/
    """

    @Test func hybridLayoutIsDetected() throws {
        let tree = TestTree()
        #expect(try CgroupManager.layoutKind(root: tree.root, mountInfo: tree.hybridMountInfo()) == .hybrid)
    }

    @Test func legacyAndUnifiedLayoutsAreDetected() throws {
        let tree = TestTree()
        let legacy = "1 0 0:1 / \(tree.root)/memory rw - cgroup cgroup rw,memory\n"
        #expect(try CgroupManager.layoutKind(root: tree.root, mountInfo: legacy) == .legacy)
        let unified = "1 0 0:1 / \(tree.root) rw - cgroup2 cgroup2 rw,nsdelegate\n"
        #expect(try CgroupManager.layoutKind(root: tree.root, mountInfo: unified) == .unified)
    }

    @Test func noCgroupMountIsAnError() {
        let tree = TestTree()
        let mountInfo = "1 0 0:1 / \(tree.root) rw - tmpfs tmpfs rw\n2 0 0:2 / /other/memory rw - cgroup cgroup rw,memory\n"
        #expect(throws: CgroupError.self) { try CgroupManager.layoutKind(root: tree.root, mountInfo: mountInfo) }
    }

    /// An empty cgroupsPath on this host, as runc 1.1 places it: the container id under this
    /// process's cgroup in every v1 hierarchy, and directly under the cgroup2 mount.
    @Test func emptyPathIsContainerIDUnderOwnCgroup() throws {
        let tree = TestTree()
        let m = try CgroupManager.load(cgroupsPath: nil, containerID: "c1", root: tree.root,
                                       mountInfo: tree.hybridMountInfo(), procSelfCgroup: Self.hostLikeCgroup)
        #expect(m.paths["memory"] == tree.path("memory/process_api/abc/c1"))
        #expect(m.paths["cpu"] == tree.path("cpu/c1"))
        #expect(m.paths["systemd"] == tree.path("systemd/c1"))
        #expect(m.paths["unified"] == tree.path("unified/c1"))
        #expect(m.paths.count == 10)
        #expect(!m.isUnified)
    }

    @Test func absolutePathIgnoresOwnCgroup() throws {
        let tree = TestTree()
        let m = try CgroupManager.load(cgroupsPath: "/a/../b/c", containerID: "c1", root: tree.root,
                                       mountInfo: tree.hybridMountInfo(), procSelfCgroup: Self.hostLikeCgroup)
        #expect(m.paths["memory"] == tree.path("memory/b/c"))
        #expect(m.paths["unified"] == tree.path("unified/b/c"))
    }

    @Test func relativePathCannotClimbOut() throws {
        let tree = TestTree()
        let m = try CgroupManager.load(cgroupsPath: "../../x", containerID: "c1", root: tree.root,
                                       mountInfo: tree.hybridMountInfo(), procSelfCgroup: Self.hostLikeCgroup)
        #expect(m.paths["memory"] == tree.path("memory/process_api/abc/x"))
        #expect(m.paths["pids"] == tree.path("pids/x"))
    }

    @Test(arguments: ["/", "..", "a/..", "/../"])
    func rootPathsAreRejected(path: String) {
        let tree = TestTree()
        #expect {
            try CgroupManager.load(cgroupsPath: path, containerID: "c1", root: tree.root,
                                   mountInfo: tree.hybridMountInfo(), procSelfCgroup: Self.hostLikeCgroup)
        } throws: { error in
            (error as? CgroupError)?.description.contains("linux.cgroupsPath") == true
        }
    }

    /// Pure v2: a relative path goes under the parent of this process's cgroup (runc's fs2 rule).
    @Test func unifiedRelativePathUsesParentOfOwnCgroup() throws {
        let tree = TestTree()
        let mountInfo = "30 1 0:30 / \(tree.root) rw - cgroup2 cgroup2 rw\n"
        let m = try CgroupManager.load(cgroupsPath: nil, containerID: "c1", root: tree.root,
                                       mountInfo: mountInfo, procSelfCgroup: "0::/user.slice/session-1.scope\n")
        #expect(m.paths == ["unified": tree.path("user.slice/c1")])
        #expect(m.isUnified)
        let absolute = try CgroupManager.load(cgroupsPath: "/machine/c1", containerID: "c1", root: tree.root,
                                              mountInfo: mountInfo, procSelfCgroup: "0::/x\n")
        #expect(absolute.paths == ["unified": tree.path("machine/c1")])
    }

    /// Co-mounted controllers share a directory; a mount root other than "/" (cgroup namespace) is
    /// stripped from /proc/self/cgroup paths; escaped spaces in mount points are decoded.
    @Test func comountsNamespacedRootsAndEscapes() throws {
        let tree = TestTree()
        let mountInfo = """
        1 0 0:1 / \(tree.root)/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
        2 0 0:2 /outer \(tree.root)/memory rw - cgroup cgroup rw,memory
        3 0 0:3 / \(tree.root)/my\\040pids rw - cgroup cgroup rw,pids
        """
        let own = "3:cpu,cpuacct:/\n2:memory:/outer/inner\n1:pids:/\n"
        let m = try CgroupManager.load(cgroupsPath: "rel", containerID: "c1", root: tree.root,
                                       mountInfo: mountInfo, procSelfCgroup: own)
        #expect(m.paths["cpu"] == tree.path("cpu,cpuacct/rel"))
        #expect(m.paths["cpuacct"] == tree.path("cpu,cpuacct/rel"))
        #expect(m.paths["memory"] == tree.path("memory/inner/rel"))
        #expect(m.paths["pids"] == tree.path("my pids/rel"))
        #expect(m.paths["unified"] == nil)
    }

    @Test func missingOwnEntryIsAnError() {
        let tree = TestTree()
        #expect(throws: CgroupError.self) {
            try CgroupManager.load(cgroupsPath: nil, containerID: "c1", root: tree.root,
                                   mountInfo: tree.hybridMountInfo(), procSelfCgroup: "0::/\n")
        }
    }

    /// The real host: whatever its layout, load must name a directory for every mounted hierarchy.
    @Test func realHostLoads() throws {
        let m = try CgroupManager.load(cgroupsPath: nil, containerID: "rune-layout-probe")
        #expect(!m.paths.isEmpty)
        #expect(m.paths.values.allSatisfy { $0.hasSuffix("/rune-layout-probe") })
    }
}

/// Rootless: directories that cannot be made (here under /sys, EPERM even for root) are left out.
@Suite struct RootlessTests {
    @Test func createPermittedKeepsOnlyWhatCouldBeMade() throws {
        let tree = TestTree()
        let m = CgroupManager(paths: ["pids": tree.path("pids/c"), "memory": "/sys/rune-test-not-permitted/c"])
        let made = try m.createPermitted()
        #expect(made.paths == ["pids": tree.path("pids/c")])
        #expect(FileSystemProbe.isDirectory(tree.path("pids/c")))
        // No device rules are written for a rootless container.
        #expect(try made.apply(nil, deviceRules: false).isEmpty)
    }
}
