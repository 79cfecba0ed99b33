import Glibc
import RuneSystem
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
}

@Suite struct CivilTimeTests {
    @Test func matchesGmtimeAcrossEpochsAndLeapDays() {
        let samples = [0, 59, 86399, 86400, 951_782_400, 951_868_800, 1_709_164_800, 1_795_952_409, 4_102_444_799, -1, -86401]
        for seconds in samples {
            var t = seconds
            var expected = tm()
            gmtime_r(&t, &expected)
            let got = ProcessTable.civilTime(seconds)
            #expect([got.tm_year, got.tm_mon, got.tm_mday, got.tm_hour, got.tm_min, got.tm_sec]
                == [expected.tm_year, expected.tm_mon, expected.tm_mday, expected.tm_hour, expected.tm_min, expected.tm_sec],
                "\(seconds)")
        }
    }
}
