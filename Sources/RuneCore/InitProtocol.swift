import CRuneLinux
import Glibc
import RuneSystem

/// Frames on the init socket between host-side rune and the container process:
/// u32 type, u32 length (host byte order), payload. nsexec.c writes the first frames in C.
public enum InitMessage: UInt32, Sendable {
    case bootEnd = 0, bootCloneFlags = 1, bootNamespacePath = 2, bootUidMap = 3, bootGidMap = 4
    case bootSetgroupsDeny = 5, bootOomScoreAdj = 6
    case pids = 100, error = 101
    case config = 200, runHooks = 201, hooksDone = 202, ready = 203
}

public struct InitChannel: Sendable {
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    public func send(_ type: InitMessage, _ payload: [UInt8] = []) throws(SyscallError) {
        var frame = [UInt8]()
        frame.reserveCapacity(8 + payload.count)
        withUnsafeBytes(of: type.rawValue) { frame.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(payload.count)) { frame.append(contentsOf: $0) }
        frame.append(contentsOf: payload)
        try FileSystem.writeAll(fd: fd, frame, context: "init pipe")
    }

    public func send(_ type: InitMessage, _ text: String) throws(SyscallError) {
        try send(type, Array(text.utf8))
    }

    /// Reads one frame; nil at end of stream.
    public func receive() throws(SyscallError) -> (type: UInt32, payload: [UInt8])? {
        guard let header = try readExactly(8) else { return nil }
        let type = header.withUnsafeBytes { $0.load(fromByteOffset: 0, as: UInt32.self) }
        let length = Int(header.withUnsafeBytes { $0.load(fromByteOffset: 4, as: UInt32.self) })
        guard length <= 64 << 20 else { throw SyscallError(name: "read", errno: EMSGSIZE, context: "init pipe") }
        guard let body = try readExactly(length) else { throw SyscallError(name: "read", errno: EPIPE, context: "init pipe") }
        return (type, body)
    }

    private func readExactly(_ count: Int) throws(SyscallError) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = try Syscall.check("read", "init pipe") {
                out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, count - got) }
            }
            if n == 0 { return got == 0 ? nil : nil }
            got += n
        }
        return out
    }
}
