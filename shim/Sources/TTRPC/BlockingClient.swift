#if canImport(Glibc)
import Glibc
#endif

/// A minimal synchronous ttrpc client over a unix socket: one call at a time, from one thread.
/// The shim uses it to forward events to containerd, off the event loop.
public final class TTRPCBlockingClient {
    private var fd: Int32 = -1
    private var nextStream: UInt32 = 1
    private var parser = TTRPCFrameParser()
    public let path: String

    public init(path: String) {
        self.path = path
    }

    deinit { close() }

    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        parser = TTRPCFrameParser()
    }

    public func connect() throws(TTRPCError) {
        close()
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw TTRPCError(.unavailable, "socket: errno \(errno)") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            _ = Glibc.close(s)
            throw TTRPCError(.invalidArgument, "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            _ = Glibc.close(s)
            throw TTRPCError(.unavailable, "connect \(path): errno \(e)")
        }
        fd = s
        nextStream = 1
    }

    /// Sends one request and waits for its response. Throws the response status, if any.
    public func call(service: String, method: String, payload: [UInt8], timeoutNano: Int64 = 0) throws(TTRPCError) -> [UInt8] {
        if fd < 0 { try connect() }
        let stream = nextStream
        nextStream += 2
        let req = TTRPCRequest(service: service, method: method, payload: payload, timeoutNano: timeoutNano)
        try writeAll(TTRPCFrame(streamID: stream, type: .request, payload: req.encoded()).encoded())
        while true {
            let frame = try readFrame()
            guard frame.header.streamID == stream, frame.header.type == TTRPCMessageType.response.rawValue else { continue }
            let resp = try TTRPCResponse.decode(frame.payload)
            if let status = resp.status { throw status }
            return resp.payload
        }
    }

    private func writeAll(_ bytes: [UInt8]) throws(TTRPCError) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close()
                throw TTRPCError(.unavailable, "write to \(path) failed")
            }
            off += n
        }
    }

    private func readFrame() throws(TTRPCError) -> TTRPCFrame {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let frame = parser.next() { return frame }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close()
                throw TTRPCError(.unavailable, "connection to \(path) closed")
            }
            parser.append(chunk[0..<n])
        }
    }
}
