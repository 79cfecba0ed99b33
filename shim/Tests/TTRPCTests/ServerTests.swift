import Glibc
import NIOPosix
import TTRPC
import XCTest

/// "Slow" blocks until a "Release" call arrives; "Echo" returns its payload; anything else is Unimplemented.
final class GateHandler: TTRPCHandler, @unchecked Sendable {
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var open = false
    private let lock = NSLockLike()

    func handle(_ request: TTRPCRequest) async throws -> [UInt8] {
        switch request.method {
        case "Slow":
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = lock.with { () -> Bool in
                    if open { return true }
                    waiting.append(c)
                    return false
                }
                if ready { c.resume() }
            }
            return Array("slow".utf8)
        case "Release":
            let toWake = lock.with { () -> [CheckedContinuation<Void, Never>] in
                open = true
                defer { waiting = [] }
                return waiting
            }
            toWake.forEach { $0.resume() }
            return []
        case "Echo":
            return request.payload
        default:
            throw TTRPCError(.unimplemented, "\(request.service)/\(request.method) not implemented")
        }
    }
}

final class NSLockLike: @unchecked Sendable {
    private let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(m, nil) }
    func with<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return body()
    }
}

/// A raw client: writes frames as given and reads frames as they come.
final class RawClient {
    let fd: Int32
    var parser = TTRPCFrameParser()

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 { throw TTRPCError(.unavailable, "connect failed: \(errno)") }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            precondition(n > 0)
            off += n
        }
    }

    func request(_ stream: UInt32, _ method: String, _ payload: [UInt8] = []) {
        let req = TTRPCRequest(service: "test.Service", method: method, payload: payload)
        send(TTRPCFrame(streamID: stream, type: .request, payload: req.encoded()).encoded())
    }

    func readFrame() -> TTRPCFrame? {
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            if let f = parser.next() { return f }
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return nil }
            parser.append(buf[0..<n])
        }
    }

    func readResponse() throws -> (UInt32, TTRPCResponse) {
        guard let f = readFrame() else { throw TTRPCError(.unavailable, "EOF") }
        XCTAssertEqual(f.header.type, TTRPCMessageType.response.rawValue)
        return (f.header.streamID, try TTRPCResponse.decode(f.payload))
    }
}

final class ServerTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var path = ""

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        path = "/tmp/ttrpc-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        _ = try TTRPCServer(group: group, handler: GateHandler()).serve(unixPath: path)
    }

    override func tearDownWithError() throws {
        unlink(path)
        try group.syncShutdownGracefully()
    }

    func testRepliesOutOfOrderOnOneConnection() throws {
        let c = try RawClient(path: path)
        c.request(1, "Slow")
        c.request(3, "Echo", [42])
        let (firstStream, first) = try c.readResponse()
        XCTAssertEqual(firstStream, 3, "the fast call must not wait behind the blocked one")
        XCTAssertEqual(first.payload, [42])
        c.request(5, "Release")
        var rest: [UInt32: TTRPCResponse] = [:]
        for _ in 0..<2 {
            let (s, r) = try c.readResponse()
            rest[s] = r
        }
        XCTAssertEqual(rest[1]?.payload, Array("slow".utf8))
        XCTAssertEqual(rest[5], TTRPCResponse())
    }

    func testUnknownMethodIsUnimplemented() throws {
        let c = try RawClient(path: path)
        c.request(1, "NoSuchMethod")
        let (s, r) = try c.readResponse()
        XCTAssertEqual(s, 1)
        XCTAssertEqual(r.status?.code, .unimplemented)
    }

    func testEvenStreamIDIsInvalidArgument() throws {
        let c = try RawClient(path: path)
        c.request(2, "Echo", [1])
        let (s, r) = try c.readResponse()
        XCTAssertEqual(s, 2)
        XCTAssertEqual(r.status?.code, .invalidArgument)
    }

    func testOversizedFrameGetsResourceExhaustedAndConnectionSurvives() throws {
        let c = try RawClient(path: path)
        let big = TTRPCRequest(service: "test.Service", method: "Echo", payload: [UInt8](repeating: 1, count: (4 << 20) + 1))
        c.send(TTRPCFrame(streamID: 1, type: .request, payload: big.encoded()).encoded())
        let (s, r) = try c.readResponse()
        XCTAssertEqual(s, 1)
        XCTAssertEqual(r.status?.code, .resourceExhausted)
        c.request(3, "Echo", [7])
        let (s2, r2) = try c.readResponse()
        XCTAssertEqual(s2, 3)
        XCTAssertEqual(r2.payload, [7])
    }

    func testUnknownFrameTypeIsIgnored() throws {
        let c = try RawClient(path: path)
        c.send(TTRPCFrame(header: TTRPCFrameHeader(length: 1, streamID: 1, type: 9), payload: [0]).encoded())
        c.request(3, "Echo", [8])
        let (s, r) = try c.readResponse()
        XCTAssertEqual(s, 3)
        XCTAssertEqual(r.payload, [8])
    }

    func testBlockingClientCallsAndSeesStatus() throws {
        let client = TTRPCBlockingClient(path: path)
        XCTAssertEqual(try client.call(service: "test.Service", method: "Echo", payload: [1, 2]), [1, 2])
        XCTAssertThrowsError(try client.call(service: "test.Service", method: "Nope", payload: [])) { error in
            XCTAssertEqual((error as? TTRPCError)?.code, .unimplemented)
        }
    }
}
