import Glibc
import OCISpec
import RuneSecurity
import RuneSystem
import Testing

enum Profiles {
    /// Allow everything except mkdir/mkdirat, which fail with `errno`.
    static func mkdirDenied(errno: UInt = 1) -> LinuxSeccomp {
        LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [LinuxSyscall(names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: errno)])
    }

    static func docker() throws -> LinuxSeccomp {
        try OCIJSON.decode(LinuxSeccomp.self, from: Array(DockerProfile.json.utf8), name: "docker profile")
    }

    static func notifyOnMkdir(listener: String? = "/run/rune-test-agent.sock") -> LinuxSeccomp {
        LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", listenerPath: listener,
                     syscalls: [LinuxSyscall(names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY")])
    }
}

@Suite struct SeccompCompileTests {
    @Test func unknownSyscallNamesAreSkippedAsRuncDoes() throws {
        var withUnknown = Profiles.mkdirDenied()
        withUnknown.syscalls![0].names.append("no_such_syscall")
        let program = try ProcessSecurity.compileSeccomp(Profiles.mkdirDenied())
        #expect(program.count % 8 == 0 && program.count > 8)
        #expect(try ProcessSecurity.compileSeccomp(withUnknown) == program)
    }

    @Test func argumentConditionsAndErrnoChangeTheProgram() throws {
        var withArgs = Profiles.mkdirDenied()
        withArgs.syscalls![0].args = [LinuxSeccompArg(index: 1, value: 0o700, op: "SCMP_CMP_EQ")]
        var otherErrno = Profiles.mkdirDenied()
        otherErrno.syscalls![0].errnoRet = 13
        let base = try ProcessSecurity.compileSeccomp(Profiles.mkdirDenied())
        #expect(try ProcessSecurity.compileSeccomp(withArgs) != base)
        #expect(try ProcessSecurity.compileSeccomp(otherErrno) != base)
    }

    @Test(arguments: [
        (LinuxSeccomp(defaultAction: "SCMP_ACT_BOGUS"), "linux.seccomp.defaultAction"),
        (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [LinuxSyscall(names: ["getpid"], action: "ALLOW")]), "linux.seccomp.syscalls[0].action"),
        (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_Z80"]), "linux.seccomp.architectures[0]"),
        (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_FAST"]), "linux.seccomp.flags[0]"),
        (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [
            LinuxSyscall(names: ["read"], action: "SCMP_ACT_ERRNO", args: [LinuxSeccompArg(index: 0, value: 1, op: "SCMP_CMP_ABOUT")])]),
         "linux.seccomp.syscalls[0].args[0].op"),
        (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [
            LinuxSyscall(names: ["read"], action: "SCMP_ACT_ERRNO", args: [LinuxSeccompArg(index: 6, value: 1, op: "SCMP_CMP_EQ")])]),
         "linux.seccomp.syscalls[0].args[0].index"),
        (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [LinuxSyscall(names: [""], action: "SCMP_ACT_ERRNO")]), "linux.seccomp.syscalls[0].names"),
        (LinuxSeccomp(defaultAction: "SCMP_ACT_NOTIFY", listenerPath: "/x"), "linux.seccomp.defaultAction"),
        (Profiles.notifyOnMkdir(listener: nil), "linux.seccomp.listenerPath"),
        (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/x", syscalls: [LinuxSyscall(names: ["write"], action: "SCMP_ACT_NOTIFY")]),
         "linux.seccomp.syscalls[0]"),
    ])
    func malformedProfilesAreErrorsNamingTheField(profile: LinuxSeccomp, field: String) {
        #expect {
            try ProcessSecurity.compileSeccomp(profile)
        } throws: { error in
            guard case .invalid(let named, _) = error as? SecurityError else { return false }
            return named == field
        }
    }

    @Test func flagsIncludeNewListenerForNotifyProfiles() throws {
        #expect(try ProcessSecurity.seccompFlags(Profiles.mkdirDenied()) == 0)
        var logged = Profiles.mkdirDenied()
        logged.flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]
        #expect(try ProcessSecurity.seccompFlags(logged) == 2 | 4)
        var notify = Profiles.notifyOnMkdir()
        notify.flags = ["SECCOMP_FILTER_FLAG_TSYNC"]
        #expect(try ProcessSecurity.seccompFlags(notify) == 8)
    }

    @Test func emptyProfileMeansNoSeccomp() {
        #expect(!ProcessSecurity.isSeccompEnabled(nil))
        #expect(!ProcessSecurity.isSeccompEnabled(LinuxSeccomp()))
        #expect(ProcessSecurity.isSeccompEnabled(Profiles.mkdirDenied()))
    }
}

@Suite struct SeccompCacheTests {
    private func bpfFiles(_ dir: String) throws -> [String] {
        try FileSystem.listDirectory(dir).sorted()
    }

    @Test func secondCompileIsReadFromTheCacheAndMatches() throws {
        let dir = makeTemporaryDirectory() + "/seccomp-cache"
        defer { try? FileSystem.removeTree(dir) }
        let docker = try Profiles.docker()
        let fresh = try ProcessSecurity.compileSeccomp(docker)
        #expect(try ProcessSecurity.compileSeccomp(docker, cacheDir: dir) == fresh)
        let files = try bpfFiles(dir)
        #expect(files.count == 1 && files[0].hasSuffix(".bpf"))
        let stat1 = try FileSystem.readBytes(dir + "/" + files[0])
        #expect(try ProcessSecurity.compileSeccomp(docker, cacheDir: dir) == fresh)
        #expect(try FileSystem.readBytes(dir + "/" + files[0]) == stat1)
        _ = try ProcessSecurity.compileSeccomp(Profiles.mkdirDenied(), cacheDir: dir)
        #expect(try bpfFiles(dir).count == 2)
    }

    /// A cache file that does not hold this exact profile (torn write, hash collision, tampering) is a miss.
    @Test func aCacheFileForAnotherProfileIsAMissAndIsReplaced() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileSystem.removeTree(dir) }
        let profile = Profiles.mkdirDenied()
        let fresh = try ProcessSecurity.compileSeccomp(profile)
        _ = try ProcessSecurity.compileSeccomp(profile, cacheDir: dir)
        let path = dir + "/" + (try bpfFiles(dir))[0]
        var stored = try FileSystem.readBytes(path)
        // Same length, one byte of the stored profile changed: 1 (EPERM) becomes 2.
        let errnoKey = Array("\"errnoRet\":1".utf8)
        let at = try #require((0...(stored.count - errnoKey.count)).first { Array(stored[$0..<($0 + errnoKey.count)]) == errnoKey })
        stored[at + errnoKey.count - 1] = UInt8(ascii: "2")
        try writeFile(path, stored)
        #expect(try ProcessSecurity.compileSeccomp(profile, cacheDir: dir) == fresh)
        #expect(try FileSystem.readBytes(path) != stored)
        try writeFile(path, "garbage")
        #expect(try ProcessSecurity.compileSeccomp(profile, cacheDir: dir) == fresh)
        #expect(try bpfFiles(dir).count == 1)
    }
}
