import CRuneLinux
import Glibc
import RuneSystem

/// Frames on the init socket between host-side rune and the container process:
/// u32 type, u32 length (host byte order), payload. nsexec.c writes the first frames in C.
public enum InitMessage: UInt32, Sendable {
    case bootEnd = 0, bootCloneFlags = 1, bootNamespacePath = 2, bootUidMap = 3, bootGidMap = 4
    case bootSetgroupsDeny = 5, bootOomScoreAdj = 6, bootCgroupTasks = 7, bootCgroup2Dir = 8, bootPlaceLater = 9
    case pids = 100, error = 101
    case config = 200, runHooks = 201, hooksDone = 202, ready = 203, seccompFd = 204, seccompDone = 205, hostNetwork = 206, hostCgroups = 207, hostReady = 208
}

public struct InitChannel: Sendable {
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    public func send(_ type: InitMessage, _ payload: [UInt8] = []) throws(SyscallError) {
        var frame = [UInt8]()
        frame.reserveCapacity(8 + payload.count)
        Self.appendFrame(type, payload, to: &frame)
        try sendFrames(frame)
    }

    /// Appends one frame to `buffer`, so that several frames go out in one write.
    public static func appendFrame(_ type: InitMessage, _ payload: [UInt8] = [], to buffer: inout [UInt8]) {
        withUnsafeBytes(of: type.rawValue) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(payload.count)) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: payload)
    }

    /// Sends frames made with `appendFrame`. MSG_NOSIGNAL: a peer that died (an init that failed to
    /// start) is an EPIPE error to report and clean up after, never a SIGPIPE that kills rune mid-create.
    public func sendFrames(_ bytes: [UInt8]) throws(SyscallError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == ENOTSOCK { return try FileSystem.writeAll(fd: fd, Array(bytes[offset...]), context: "init pipe") }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw SyscallError(name: "send", errno: errno, context: "init pipe") }
            offset += n
        }
    }

    /// Sends a frame with one fd attached (SCM_RIGHTS on its first byte).
    public func send(_ type: InitMessage, fd attached: Int32) throws(SyscallError) {
        try send(type, fds: [attached])
    }

    /// Sends a frame with fds attached (at most RUNE_MAX_FDS; SCM_RIGHTS on its first byte).
    public func send(_ type: InitMessage, fds attached: [Int32]) throws(SyscallError) {
        var frame = [UInt8]()
        withUnsafeBytes(of: type.rawValue) { frame.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(0)) { frame.append(contentsOf: $0) }
        let sent = try Syscall.check("sendmsg", "init pipe") {
            frame.withUnsafeBytes { rune_send_fds(fd, $0.baseAddress, $0.count, attached, Int32(attached.count)) }
        }
        if sent != frame.count { throw SyscallError(name: "sendmsg", errno: EMSGSIZE, context: "init pipe") }
    }

    /// Receives a frame that carries one fd (the header is read with recvmsg so the fd is not lost).
    public func receiveFd() throws(SyscallError) -> (type: UInt32, fd: Int32)? {
        guard let got = try receiveFds(count: 1) else { return nil }
        return (got.type, got.fds[0])
    }

    /// Receives a frame that carries exactly `count` fds; nil at end of stream or with any other count
    /// (the fds that did come are closed then).
    public func receiveFds(count: Int) throws(SyscallError) -> (type: UInt32, fds: [Int32])? {
        var header = [UInt8](repeating: 0, count: 8)
        var fds = [Int32](repeating: -1, count: max(count, 1))
        var got: Int32 = 0
        let n = try Syscall.check("recvmsg", "init pipe") {
            header.withUnsafeMutableBytes { rune_recv_fds(fd, $0.baseAddress, 8, &fds, Int32(count), &got) }
        }
        guard n == 8, got == count else {
            for fd in fds.prefix(Int(got)) { close(fd) }
            return nil
        }
        return (header.withUnsafeBytes { $0.load(as: UInt32.self) }, Array(fds.prefix(count)))
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
