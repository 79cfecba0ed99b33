import CRuneLinux
import Glibc
import OCISpec
import RuneSecurity
import RuneSystem
import Testing

@Suite struct SeccompListenerTests {
    /// A listening AF_UNIX stream socket at `path`, as a seccomp agent would have.
    static func listen(at path: String) throws -> Int32 {
        let sock = try Syscall.check("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        try Syscall.check("bind", path) {
            withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        }
        try Syscall.check("listen", path) { Glibc.listen(sock, 4) }
        return sock
    }

    @Test func agentReceivesTheProcessStateAndAWorkingFd() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileSystem.removeTree(dir) }
        let path = dir + "/agent.sock"
        let listener = try Self.listen(at: path)
        defer { close(listener) }
        var ends: [Int32] = [0, 0]
        try Syscall.check("pipe") { rune_pipe2(&ends, O_CLOEXEC) }
        defer { close(ends[0]); close(ends[1]) }
        let state = ContainerProcessState(pid: 4242, metadata: "MKNOD=/dev/null", state: State(id: "c1", status: "creating", pid: 4242, bundle: "/b"))

        try ProcessSecurity.sendSeccompListener(ends[0], listenerPath: path, state: state)

        let connection = try Syscall.check("accept") { accept(listener, nil, nil) }
        defer { close(connection) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var fds: [Int32] = Array(repeating: -1, count: 8)
        var count: Int32 = 0
        let n = try Syscall.check("recvmsg") { rune_recv_fds(connection, &buffer, buffer.count, &fds, 8, &count) }
        #expect(try OCIJSON.decode(ContainerProcessState.self, from: buffer[0..<n], name: "message") == state)
        try #require(count == 1)
        defer { close(fds[0]) }
        // The received fd is the pipe's read end: what goes in one side comes out of it.
        try Syscall.check("write") { write(ends[1], "x", 1) }
        var byte: UInt8 = 0
        #expect(read(fds[0], &byte, 1) == 1 && byte == UInt8(ascii: "x"))
    }

    @Test func aMissingListenerIsAnErrorNamingThePath() {
        #expect(throws: SecurityError.system(SyscallError(name: "connect", errno: ENOENT, context: "/nonexistent/agent.sock"))) {
            try ProcessSecurity.sendSeccompListener(0, listenerPath: "/nonexistent/agent.sock", state: ContainerProcessState(pid: 1, state: State()))
        }
    }
}
