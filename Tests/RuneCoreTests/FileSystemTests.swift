import Glibc
import RuneSystem
import OCISpec
import Testing
@testable import RuneCore

@Suite struct FileSystemPathTests {
    @Test func normalizeRemovesDotsAndDuplicateSlashes() {
        let cases: [(String, String)] = [
            ("/", "/"), ("/a/b", "/a/b"), ("/a//b", "/a/b"), ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/a/b/", "/a/b"),
            ("/a/b/.", "/a/b"), ("/a/b/..", "/a"), ("/..", "/"), ("//", "/"), ("/.a/b.", "/.a/b."), ("/.../x", "/.../x"),
            ("/a/..b", "/a/..b"), ("/run/rune/c1", "/run/rune/c1"),
        ]
        for (input, expected) in cases { #expect(FileSystem.normalize(input) == expected, "\(input)") }
    }

    @Test func makeDirectoriesCreatesMissingParentsAndAcceptsExistingOnes() throws {
        var template = Array("/tmp/rune-fs-test.XXXXXX".utf8CString)
        let base = String(cString: try #require(mkdtemp(&template)))
        defer { _ = try? FileSystem.removeTree(base) }
        try FileSystem.makeDirectories(base + "/a/b/c")
        #expect(FileSystem.isDirectory(base + "/a/b/c"))
        try FileSystem.makeDirectories(base + "/a/b/c")
        let file = base + "/a/file"
        close(open(file, O_CREAT | O_WRONLY, 0o600))
        #expect(throws: SyscallError.self) { try FileSystem.makeDirectories(file) }
        #expect(throws: SyscallError.self) { try FileSystem.makeDirectories(file + "/below") }
    }

    @Test func entriesOfOneTypeDoNotFollowSymlinks() throws {
        var template = Array("/tmp/rune-fs-test.XXXXXX".utf8CString)
        let base = String(cString: try #require(mkdtemp(&template)))
        defer { _ = try? FileSystem.removeTree(base) }
        try FileSystem.makeDirectories(base + "/dir")
        close(open(base + "/file", O_CREAT | O_WRONLY, 0o600))
        symlink("dir", base + "/link-to-dir")
        symlink("missing", base + "/dangling")
        #expect(try FileSystem.subdirectories(base) == ["dir"])
        #expect(try FileSystem.entries(base, ofType: S_IFLNK).sorted() == ["dangling", "link-to-dir"])
        #expect(try FileSystem.entries(base, ofType: S_IFREG) == ["file"])
    }
}

@Suite struct TimestampTests {
    /// rune formats dates itself (RFC3339 in OCISpec); it must agree with libc's calendar.
    @Test func matchesGmtimeAcrossEpochsAndLeapDays() {
        let samples = [0, 59, 86399, 86400, 951_782_400, 951_868_800, 1_709_164_800, 1_795_952_409, 4_102_444_799, -1, -86401]
        for seconds in samples {
            var t = seconds
            var expected = tm()
            gmtime_r(&t, &expected)
            func pad(_ v: Int32, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
            let text = "\(pad(expected.tm_year + 1900, 4))-\(pad(expected.tm_mon + 1, 2))-\(pad(expected.tm_mday, 2))T"
                + "\(pad(expected.tm_hour, 2)):\(pad(expected.tm_min, 2)):\(pad(expected.tm_sec, 2))Z"
            #expect(RFC3339.format(seconds: Int64(seconds)) == text, "\(seconds)")
        }
    }
}

@Suite struct MountInfoTests {
    static let text = """
        22 27 0:21 / /proc rw,relatime shared:13 - proc proc rw
        30 27 0:26 / /sys/fs/cgroup/my\\040pids rw,nosuid - cgroup cgroup rw,pids
        31 27 0:27 / /sys/fs/cgroup/unified rw master:2 - cgroup2 cgroup2 rw
        """

    @Test func linesSplitIntoFieldsWithEscapesAndPropagation() {
        let all = MountInfo.entries(Self.text)
        #expect(all.map(\.mountPoint) == ["/proc", "/sys/fs/cgroup/my pids", "/sys/fs/cgroup/unified"])
        #expect(all.map(\.isShared) == [true, false, false])
        #expect(all.map(\.fsType) == ["proc", "cgroup", "cgroup2"])
        #expect(all[1].superOptions == "rw,pids")
    }

    @Test func aTypePrefixKeepsOnlyThoseMounts() {
        #expect(MountInfo.entries(Self.text, fsTypePrefix: "cgroup").map(\.fsType) == ["cgroup", "cgroup2"])
    }
}
