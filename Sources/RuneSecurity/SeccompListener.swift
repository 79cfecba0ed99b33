import CRuneLinux
import Glibc
import OCISpec
import RuneSystem

/// The runtime-spec ContainerProcessState a seccomp agent receives with the notify fd (config-linux.md).
public struct ContainerProcessState: Codable, Sendable, Equatable {
    public var ociVersion: String
    /// Names of the fds sent with the message, in order; runc sends only "seccompFd".
    public var fds: [String]
    public var pid: Int
    public var metadata: String?
    public var state: State

    public init(ociVersion: String = Spec.version, fds: [String] = ["seccompFd"], pid: Int, metadata: String? = nil, state: State) {
        self.ociVersion = ociVersion
        self.fds = fds
        self.pid = pid
        self.metadata = metadata
        self.state = state
    }
}

extension ProcessSecurity {
    /// Hands a seccomp notify fd to the agent at `linux.seccomp.listenerPath`, as runc does: one message on a new
    /// stream connection, the ContainerProcessState JSON with the fd attached (SCM_RIGHTS). The host side calls this
    /// (the path is on the host; the init, after pivot_root, cannot reach it) once the init has passed it the fd.
    /// The corresponding system calls are `connect(2)` and `sendmsg(2)`.
    public static func sendSeccompListener(_ fd: Int32, listenerPath: String, state: ContainerProcessState) throws(SecurityError) {
        let sock = try connectUnix(listenerPath)
        defer { close(sock) }
        let message = Array(OCIJSON.encode(state).utf8)
        var fds = [fd]
        let sent = try checked("sendmsg", listenerPath) {
            message.withUnsafeBytes { rune_send_fds(sock, $0.baseAddress, $0.count, &fds, 1) }
        }
        if sent != message.count {
            throw .system(SyscallError(name: "sendmsg", errno: EMSGSIZE, context: "\(listenerPath): sent \(sent) of \(message.count) bytes"))
        }
    }

    private static func connectUnix(_ path: String) throws(SecurityError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw .invalid(field: "linux.seccomp.listenerPath", reason: "\"\(path)\" is empty or longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let sock = try checked("socket", "AF_UNIX") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        do {
            try checked("connect", path) {
                withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(sock, $0, length) } }
            }
        } catch {
            close(sock)
            throw error
        }
        return sock
    }
}
