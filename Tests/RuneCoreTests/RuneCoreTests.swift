import Glibc
import Testing
import CRuneLinux
import OCISpec
@testable import RuneCore

@Suite struct SignalParsingTests {
    @Test func namesWithAndWithoutSigPrefixAndNumbersParse() throws {
        #expect(try Signals.parse("KILL") == SIGKILL)
        #expect(try Signals.parse("SIGTERM") == SIGTERM)
        #expect(try Signals.parse("sigusr1") == SIGUSR1)
        #expect(try Signals.parse("9") == 9)
        #expect(try Signals.parse("RTMIN+2") == 36)
    }

    @Test func unknownSignalsAreRefusedWithTheirName() {
        #expect(throws: RuneError.self) { try Signals.parse("SIGFOO") }
        #expect(throws: RuneError.self) { try Signals.parse("0") }
        #expect(throws: RuneError.self) { try Signals.parse("65") }
    }
}

@Suite struct MountOptionTests {
    @Test func flagsClearFlagsPropagationAndDataAreSeparated() {
        let o = MountOptions(["ro", "nosuid", "rw", "rprivate", "size=64k", "mode=755"], type: "tmpfs")
        #expect(o.flags & UInt(MS_RDONLY) == 0)
        #expect(o.flags & UInt(MS_NOSUID) != 0)
        #expect(o.propagation == [UInt(MS_PRIVATE) | UInt(MS_REC)])
        #expect(o.dataString == "size=64k,mode=755")
    }

    @Test func extensionOptionsAreNeitherFlagsNorData() {
        let o = MountOptions(["tmpcopyup", "idmap", "rro", "ro", "uid=5"], type: "tmpfs")
        #expect(o.dataString == "uid=5")
        #expect(o.flags == UInt(MS_RDONLY))
        #expect(MountOptions(["mode=755"], type: "tmpfs").dataString == "mode=755")
        #expect(MountOptions([], type: "tmpfs").dataString == "")
    }

    @Test func comountedHierarchiesGetALinkPerController() {
        let links = CgroupMount.comountLinks(["cpu,cpuacct", "memory", "net_cls,net_prio", "systemd"])
        #expect(links.map { $0.0 } == ["cpu", "cpuacct", "net_cls", "net_prio"])
        #expect(links.map { $0.1 } == ["cpu,cpuacct", "cpu,cpuacct", "net_cls,net_prio", "net_cls,net_prio"])
        #expect(CgroupMount.comountLinks(["cpu", "cpuacct", "pids"]).isEmpty)
    }

    @Test func bindTypeImpliesBind() {
        #expect(MountOptions(nil, type: "bind").isBind)
        #expect(MountOptions(["rbind"], type: "none").flags & UInt(MS_REC) != 0)
    }
}

@Suite struct StateStoreTests {
    @Test func containerIdsFollowRuncRules() throws {
        try StateStore.validate(id: "abc-1.2_3+x")
        #expect(throws: RuneError.self) { try StateStore.validate(id: "../x") }
        #expect(throws: RuneError.self) { try StateStore.validate(id: "") }
        #expect(throws: RuneError.self) { try StateStore.validate(id: "a/b") }
    }

    @Test func aSecondCreateOfTheSameIdIsRefused() throws {
        let root = "/tmp/rune-unit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? RuneSystem_removeTree(root) }
        let store = StateStore(root: root)
        let lock = try store.createDirectory("c1")
        #expect(throws: RuneError.self) { _ = try store.createDirectory("c1") }
        lock.release()
    }
}

@Suite struct InitChannelTests {
    @Test func framesRoundTripOverASocketPair() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]); close(pair[1]) }
        let a = InitChannel(fd: pair[0]), b = InitChannel(fd: pair[1])
        try a.send(.config, "hello")
        try a.send(.ready)
        let first = try #require(try b.receive())
        #expect(first.type == InitMessage.config.rawValue)
        #expect(String(decoding: first.payload, as: UTF8.self) == "hello")
        let second = try #require(try b.receive())
        #expect(second.type == InitMessage.ready.rawValue && second.payload.isEmpty)
        close(pair[0]); pair[0] = -1
        #expect(try b.receive() == nil)
    }

    /// hostCgroups carries one fd per v1 hierarchy (more than the 8 the helpers once allowed); a frame
    /// with another count than expected is refused and the fds that came are closed, not leaked.
    @Test func framesCarryManyFdsAndAWrongCountIsRefused() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]); close(pair[1]) }
        let a = InitChannel(fd: pair[0]), b = InitChannel(fd: pair[1])
        let files = (0..<12).map { _ in open("/dev/null", O_RDONLY | O_CLOEXEC) }
        defer { for fd in files { close(fd) } }
        try a.send(.hostCgroups, fds: files)
        let got = try #require(try b.receiveFds(count: 12))
        #expect(got.type == InitMessage.hostCgroups.rawValue && got.fds.count == 12)
        for (sent, received) in zip(files, got.fds) {
            var x = stat(), y = stat()
            #expect(fstat(sent, &x) == 0 && fstat(received, &y) == 0 && x.st_ino == y.st_ino)
            #expect(fcntl(received, F_GETFD) & FD_CLOEXEC != 0)
            close(received)
        }
        // A host without v1 hierarchies: the frame comes without fds and is taken as such.
        try a.send(.hostCgroups)
        let none = try #require(try b.receiveFds(count: 0))
        #expect(none.type == InitMessage.hostCgroups.rawValue && none.fds.isEmpty)
        let before = try openFdCount()
        try a.send(.hostCgroups, fds: Array(files.prefix(2)))
        #expect(try b.receiveFds(count: 3) == nil)
        #expect(try openFdCount() == before)
    }

    private func openFdCount() throws -> Int {
        try FileSystem.listDirectory("/proc/self/fd").count
    }

    /// An init that died before its bootstrap: rune must get EPIPE, not be killed by SIGPIPE.
    @Test func sendingToAClosedPeerIsAnErrorNotASignal() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        close(pair[1])
        defer { close(pair[0]) }
        let error = #expect(throws: SyscallError.self) { try InitChannel(fd: pair[0]).send(.bootEnd) }
        #expect(error?.errno == EPIPE)
    }
}

@Suite struct HexAndTimeTests {
    @Test func hexRoundTripsAndRejectsJunk() {
        let bytes: [UInt8] = [0, 1, 0xab, 0xff]
        #expect(Hex.encode(bytes) == "0001abff")
        #expect(Hex.decode("0001ABff") == bytes)
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.decode("abc") == nil)
    }

    @Test func timestampsAreRFC3339InUTC() {
        let t = ProcessTable.timestamp()
        #expect(t.hasSuffix("Z") && t.count >= 20 && t.dropFirst(10).first == "T")
        #expect(ProcessTable.logTimestamp().count == 20)
    }

    @Test func aLiveProcessHasAStartTimeAndAWrongOneIsNotAlive() throws {
        let start = try #require(ProcessTable.startTime(of: getpid()))
        #expect(ProcessTable.isAlive(getpid(), startTime: start))
        #expect(!ProcessTable.isAlive(getpid(), startTime: start + 1))
    }
}

import RuneSystem
private func RuneSystem_removeTree(_ path: String) throws { try FileSystem.removeTree(path) }

@Suite(.enabled(if: geteuid() == 0, "rune makes the network namespace only as root"))
struct BootstrapTests {
    static func spec(_ namespaces: [LinuxNamespace]) -> Spec {
        var spec = Spec.defaultSpec(rootless: false)
        spec.linux?.namespaces = namespaces
        return spec
    }

    /// Without a user namespace rune makes the new network namespace and nsexec leaves it out.
    @Test func aNewNetworkNamespaceIsMadeByRune() {
        let b = Bootstrap(spec: Self.spec([LinuxNamespace(type: "pid"), LinuxNamespace(type: "network")]))
        #expect(b.networkFromHost)
        #expect(b.cloneFlags == Int32(RUNE_CLONE_NEWPID))
    }

    /// With a user namespace (new or joined) the network namespace must belong to it: nsexec makes it.
    @Test func withAUserNamespaceNsexecMakesIt() {
        for user in [LinuxNamespace(type: "user"), LinuxNamespace(type: "user", path: "/proc/1/ns/user")] {
            let b = Bootstrap(spec: Self.spec([user, LinuxNamespace(type: "network")]))
            #expect(!b.networkFromHost)
            #expect(b.cloneFlags & Int32(RUNE_CLONE_NEWNET) != 0)
        }
    }

    /// A network namespace joined by path, or none at all, is nothing for rune to make.
    @Test func aJoinedOrAbsentNetworkNamespaceIsLeftAlone() {
        #expect(!Bootstrap(spec: Self.spec([LinuxNamespace(type: "network", path: "/proc/1/ns/net")])).networkFromHost)
        #expect(!Bootstrap(spec: Self.spec([LinuxNamespace(type: "pid")])).networkFromHost)
    }
}

@Suite struct SpawnerTests {
    /// The file to run is open at an fd that is also a target of the fds the child gets: it still runs
    /// (the child resolves /proc/self/fd/N after its dup2s, so N must not be one of them).
    @Test func anExecutableFdThatIsAlsoATargetStillRuns() throws {
        let program = open("/bin/true", RUNE_O_PATH | O_CLOEXEC)
        #expect(program >= 0)
        defer { close(program) }
        let other = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(other) }
        let pid = try Spawner.spawn(executable: .fd(program), arguments: [], environment: [], fds: [(other, program)])
        #expect(Spawner.exitCode(try Spawner.wait(pid)) == 0)
    }
}
