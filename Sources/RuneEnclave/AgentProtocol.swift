import CRuneLinux
import Glibc
import RuneCore
import RuneSystem

/// The agent socket protocol between host-side rune and the init-runelet (docs/enclave.md):
/// frame = u32 little-endian length (kind + body), u8 kind, JSON body; fds ride on the frame that needs them.
public enum AgentKind: UInt8, Sendable {
    case exec = 1, started = 2, signal = 3, exited = 4, kill = 5, ok = 6, attest = 7, evidence = 8, error = 9, stop = 10
}

public struct AgentFrame: Sendable {
    public var kind: AgentKind
    public var fields: [String: String]
    public var fds: [Int32] = []

    public init(_ kind: AgentKind, _ fields: [String: String] = [:], fds: [Int32] = []) {
        self.kind = kind
        self.fields = fields
        self.fds = fds
    }
}

public struct AgentConnection: Sendable {
    public let fd: Int32
    static let maxFrame = 1 << 20
    /// Sent as the `protocol` field of every frame: host-side rune and the runelet may come from different builds.
    static let protocolVersion = "1"

    public init(fd: Int32) { self.fd = fd }

    /// The wire bytes of a frame (without its fds).
    static func encode(_ frame: AgentFrame) -> [UInt8] {
        var fields = frame.fields
        fields["protocol"] = protocolVersion
        let body = Array(AgentCodec.encode(fields).utf8)
        var bytes = [UInt8]()
        withUnsafeBytes(of: UInt32(body.count + 1).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(frame.kind.rawValue)
        return bytes + body
    }

    public func send(_ frame: AgentFrame) throws(RuneError) {
        let bytes = Self.encode(frame)
        var fds = frame.fds
        let sent = bytes.withUnsafeBytes { rune_send_fds(fd, $0.baseAddress, $0.count, &fds, Int32(fds.count)) }
        guard sent == bytes.count else { throw RuneError(.failed, "agent socket: send failed: \(String(cString: strerror(errno)))") }
    }

    /// Receives one frame; nil on end of stream. The first chunk's fds are attached to the frame.
    public func receive() throws(RuneError) -> AgentFrame? {
        var header = [UInt8](repeating: 0, count: 5)
        var fds = [Int32](repeating: -1, count: 4)
        var nfds: Int32 = 0
        let n = header.withUnsafeMutableBytes { rune_recv_fds(fd, $0.baseAddress, 5, &fds, 4, &nfds) }
        if n == 0 { return nil }
        guard n > 0 else { throw RuneError(.failed, "agent socket: receive failed: \(String(cString: strerror(errno)))") }
        var got = n
        while got < 5 {
            let m = header.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, 5 - got) }
            guard m > 0 else { throw RuneError(.failed, "agent socket: short frame") }
            got += m
        }
        let length = Int(UInt32(littleEndian: header.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        guard length >= 1, length <= Self.maxFrame, let kind = AgentKind(rawValue: header[4]) else {
            throw RuneError(.invalidArgument, "agent socket: bad frame (length \(length), kind \(header[4]))")
        }
        var body = [UInt8](repeating: 0, count: length - 1)
        var off = 0
        while off < body.count {
            let m = body.withUnsafeMutableBytes { read(fd, $0.baseAddress! + off, $0.count - off) }
            guard m > 0 else { throw RuneError(.failed, "agent socket: short frame") }
            off += m
        }
        let fields = try AgentCodec.decode(String(decoding: body, as: UTF8.self))
        return AgentFrame(kind, fields, fds: Array(fds.prefix(Int(nfds))))
    }
}

/// Bodies are flat JSON objects of strings; lists travel as JSON-array strings inside them, so nothing is
/// ever joined with spaces (the reference's bug with arguments containing spaces).
public enum AgentCodec {
    public static func encode(_ fields: [String: String]) -> String {
        "{" + fields.sorted { $0.key < $1.key }.map { "\(Log.quote($0.key)):\(Log.quote($0.value))" }.joined(separator: ",") + "}"
    }

    public static func encodeList(_ list: [String]) -> String { "[" + list.map(Log.quote).joined(separator: ",") + "]" }

    public static func decode(_ text: String) throws(RuneError) -> [String: String] {
        var p = MiniJSON(text)
        return try p.object()
    }

    public static func decodeList(_ text: String) throws(RuneError) -> [String] {
        var p = MiniJSON(text)
        return try p.stringArray()
    }
}
