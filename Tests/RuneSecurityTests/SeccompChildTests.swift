import CRuneLinux
import Glibc
import OCISpec
import RuneSecurity
import RuneSystem
import Testing

/// Filters loaded for real, each in a forked child (a filter cannot be removed once loaded).
@Suite(.serialized) struct SeccompChildTests {
    static let missingParent = "/nonexistent-rune-seccomp-test/dir"

    /// In the child: mkdir's errno (ENOENT without a filter, as the parent does not exist), or 200 when getpid is broken.
    static func probe(expectedPid: pid_t) -> Int32 {
        guard getpid() == expectedPid else { return 200 }
        return mkdir(missingParent, 0o700) == 0 ? 201 : errno
    }

    @Test func mkdirFailsWithTheConfiguredErrnoWhileGetpidWorks() throws {
        let code = exitCodeOfChild {
            let pid = getpid()
            guard Self.probe(expectedPid: pid) == ENOENT else { return 100 }
            do { _ = try ProcessSecurity.loadSeccomp(Profiles.mkdirDenied(errno: UInt(EPERM))) } catch { return 101 }
            return Self.probe(expectedPid: pid)
        }
        #expect(code == EPERM)
    }

    @Test func cachedAndUncachedFiltersBehaveTheSame() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileSystem.removeTree(dir) }
        let profile = Profiles.mkdirDenied(errno: UInt(EOPNOTSUPP))
        _ = try ProcessSecurity.compileSeccomp(profile, cacheDir: dir)
        let cached = try ProcessSecurity.compileSeccomp(profile, cacheDir: dir)  // read back from the file
        let flags = try ProcessSecurity.seccompFlags(profile)
        let uncachedCode = exitCodeOfChild {
            let pid = getpid()
            do { _ = try ProcessSecurity.loadSeccomp(profile) } catch { return 101 }
            return Self.probe(expectedPid: pid)
        }
        let cachedCode = exitCodeOfChild {
            let pid = getpid()
            do { _ = try ProcessSecurity.loadCompiled(cached, flags: flags) } catch { return 101 }
            return Self.probe(expectedPid: pid)
        }
        #expect(uncachedCode == EOPNOTSUPP)
        #expect(cachedCode == uncachedCode)
    }

    /// The Docker-sized profile after no_new_privs, as the init loads it: allowed calls work, others get EPERM,
    /// argument rules hold (socket: everything but AF_VSOCK; personality: only listed values).
    @Test func dockerProfileAllowsItsListAndDeniesTheRest() throws {
        let docker = try Profiles.docker()
        let program = try ProcessSecurity.compileSeccomp(docker)
        let flags = try ProcessSecurity.seccompFlags(docker)
        let code = exitCodeOfChild {
            let pid = getpid()
            guard umount2("/nonexistent-rune-seccomp-test", 0) == -1, errno == ENOENT else { return 100 }
            do {
                try ProcessSecurity.setNoNewPrivileges()
                _ = try ProcessSecurity.loadCompiled(program, flags: flags)
            } catch { return 101 }
            guard getpid() == pid else { return 1 }
            guard umount2("/nonexistent-rune-seccomp-test", 0) == -1, errno == EPERM else { return 2 }
            let unix = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard unix >= 0 else { return 3 }
            close(unix)
            guard socket(40 /* AF_VSOCK */, Int32(SOCK_STREAM.rawValue), 0) == -1, errno == EPERM else { return 4 }
            guard rune_personality(0xffff_ffff) >= 0 else { return 5 }  // query: allowed
            guard rune_personality(0x0040000) == -1, errno == EPERM else { return 6 }  // ADDR_COMPAT_LAYOUT: not listed
            return mkdir(Self.missingParent, 0o700) == -1 && errno == ENOENT ? 0 : 7  // mkdir is allowed
        }
        #expect(code == 0)
    }

    /// SCMP_ACT_NOTIFY: loading returns the listener fd for the init to send to listenerPath, also from the cache
    /// (seccomp(2) creates the listener at load time; the program is the same).
    @Test(arguments: [false, true])
    func notifyProfileReturnsAListenerFd(fromCache: Bool) throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileSystem.removeTree(dir) }
        let profile = Profiles.notifyOnMkdir()
        let program = try ProcessSecurity.compileSeccomp(profile, cacheDir: fromCache ? dir : nil)
        let flags = try ProcessSecurity.seccompFlags(profile)
        let code = exitCodeOfChild {
            let fd: Int32?
            do {
                fd = fromCache ? try ProcessSecurity.loadCompiled(program, flags: flags) : try ProcessSecurity.loadSeccomp(profile)
            } catch { return 101 }
            guard let fd, fd > 2 else { return 1 }
            var target = [CChar](repeating: 0, count: 64)
            let n = readlink("/proc/self/fd/\(fd)", &target, target.count - 1)
            guard n > 0 else { return 2 }
            let name = String(decoding: target[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return name == "anon_inode:seccomp notify" ? 0 : 3
        }
        #expect(code == 0)
    }

    /// runc's -ENOSYS stub: with an errno default, a syscall numbered above all the profile names (mkdirat, 258, above
    /// exit_group, 231) is "newer than the profile" and gets ENOSYS; an older unlisted one (mkdir, 83) gets the default.
    @Test(arguments: [UInt(EPERM), UInt(ENOSYS)])
    func syscallsNewerThanTheProfileGetEnosys(defaultErrno: UInt) throws {
        let profile = LinuxSeccomp(defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: defaultErrno, architectures: ["SCMP_ARCH_X86_64"],
                                   syscalls: [LinuxSyscall(names: ["exit", "exit_group", "getpid", "rt_sigreturn", "write"], action: "SCMP_ACT_ALLOW")])
        let program = try ProcessSecurity.compileSeccomp(profile)
        let code = exitCodeOfChild {
            do { _ = try ProcessSecurity.loadCompiled(program, flags: 0) } catch { return 101 }
            let old = mkdir(Self.missingParent, 0o700) == -1 ? errno : 0
            let new = mkdirat(AT_FDCWD, Self.missingParent, 0o700) == -1 ? errno : 0
            guard old == Int32(defaultErrno) else { return 1 }
            return new == ENOSYS ? 0 : new == EPERM ? 2 : 3
        }
        #expect(code == 0)
    }

    /// Why the init loads seccomp before dropping privileges when no_new_privs is off: without CAP_SYS_ADMIN and
    /// without no_new_privs the kernel refuses the filter (EACCES); with no_new_privs an unprivileged load works.
    @Test(arguments: [false, true])
    func unprivilegedLoadNeedsNoNewPrivileges(noNewPrivileges: Bool) throws {
        let program = try ProcessSecurity.compileSeccomp(Profiles.mkdirDenied())
        let caps = CapabilitySets()  // everything dropped
        let code = exitCodeOfChild {
            do {
                try ProcessSecurity.prepareCapabilities(caps)
                try ProcessSecurity.switchUser(ResolvedUser(uid: 65534, gid: 65534))
                try ProcessSecurity.finishCapabilities(caps)
                if noNewPrivileges { try ProcessSecurity.setNoNewPrivileges() }
            } catch { return 100 }
            do throws(SecurityError) {
                _ = try ProcessSecurity.loadCompiled(program, flags: 0)
                return noNewPrivileges ? 0 : 1
            } catch .system(let error) {
                return !noNewPrivileges && error.errno == EACCES ? 0 : 2
            } catch { return 3 }
        }
        #expect(code == 0)
    }
}
