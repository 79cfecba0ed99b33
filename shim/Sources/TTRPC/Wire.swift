// Hand-written proto3 encoding of ttrpc's Request, Response and google.rpc.Status, so this target
// needs no generated code.

struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

    mutating func field(_ field: Int, bytes value: [UInt8]) {
        tag(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ field: Int, string value: String) { self.field(field, bytes: Array(value.utf8)) }

    mutating func field(_ field: Int, varint value: UInt64) {
        tag(field, 0)
        varint(value)
    }
}

struct ProtoReader {
    enum Value {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed
    }

    private let data: [UInt8]
    private var pos = 0

    init(_ data: [UInt8]) { self.data = data }

    private mutating func readVarint() throws(TTRPCError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while pos < data.count, shift < 64 {
            let b = data[pos]
            pos += 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
        throw TTRPCError(.invalidArgument, "malformed varint")
    }

    /// The next (field number, value), or nil at the end.
    mutating func next() throws(TTRPCError) -> (Int, Value)? {
        guard pos < data.count else { return nil }
        let key = try readVarint()
        let field = Int(key >> 3)
        switch key & 7 {
        case 0: return (field, .varint(try readVarint()))
        case 2:
            let n = Int(try readVarint())
            guard n >= 0, n <= data.count - pos else { throw TTRPCError(.invalidArgument, "truncated field \(field)") }
            defer { pos += n }
            return (field, .bytes(Array(data[pos..<(pos + n)])))
        case 1: try skip(8); return (field, .fixed)
        case 5: try skip(4); return (field, .fixed)
        default: throw TTRPCError(.invalidArgument, "unsupported wire type in field \(field)")
        }
    }

    private mutating func skip(_ n: Int) throws(TTRPCError) {
        guard n <= data.count - pos else { throw TTRPCError(.invalidArgument, "truncated fixed field") }
        pos += n
    }
}

public struct TTRPCRequest: Equatable, Sendable {
    public var service: String
    public var method: String
    public var payload: [UInt8]
    public var timeoutNano: Int64
    public var metadata: [(String, String)]

    public init(service: String, method: String, payload: [UInt8], timeoutNano: Int64 = 0, metadata: [(String, String)] = []) {
        self.service = service
        self.method = method
        self.payload = payload
        self.timeoutNano = timeoutNano
        self.metadata = metadata
    }

    public static func == (a: TTRPCRequest, b: TTRPCRequest) -> Bool {
        a.service == b.service && a.method == b.method && a.payload == b.payload && a.timeoutNano == b.timeoutNano
            && a.metadata.map { $0.0 } == b.metadata.map { $0.0 } && a.metadata.map { $0.1 } == b.metadata.map { $0.1 }
    }

    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        if !service.isEmpty { w.field(1, string: service) }
        if !method.isEmpty { w.field(2, string: method) }
        if !payload.isEmpty { w.field(3, bytes: payload) }
        if timeoutNano != 0 { w.field(4, varint: UInt64(bitPattern: timeoutNano)) }
        for (k, v) in metadata {
            var kv = ProtoWriter()
            kv.field(1, string: k)
            kv.field(2, string: v)
            w.field(5, bytes: kv.bytes)
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(TTRPCError) -> TTRPCRequest {
        var r = ProtoReader(bytes)
        var req = TTRPCRequest(service: "", method: "", payload: [])
        while let (field, value) = try r.next() {
            switch (field, value) {
            case (1, .bytes(let b)): req.service = String(decoding: b, as: UTF8.self)
            case (2, .bytes(let b)): req.method = String(decoding: b, as: UTF8.self)
            case (3, .bytes(let b)): req.payload = b
            case (4, .varint(let v)): req.timeoutNano = Int64(bitPattern: v)
            case (5, .bytes(let b)): req.metadata.append(try decodeKeyValue(b))
            default: break
            }
        }
        return req
    }

    private static func decodeKeyValue(_ bytes: [UInt8]) throws(TTRPCError) -> (String, String) {
        var r = ProtoReader(bytes)
        var kv = ("", "")
        while let (field, value) = try r.next() {
            if case .bytes(let b) = value {
                if field == 1 { kv.0 = String(decoding: b, as: UTF8.self) }
                if field == 2 { kv.1 = String(decoding: b, as: UTF8.self) }
            }
        }
        return kv
    }
}

public struct TTRPCResponse: Equatable, Sendable {
    /// nil on success: the Go server omits the status then, so an Empty reply is a zero-length payload.
    public var status: TTRPCError?
    public var payload: [UInt8]

    public init(status: TTRPCError? = nil, payload: [UInt8] = []) {
        self.status = status
        self.payload = payload
    }

    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        if let status {
            var s = ProtoWriter()
            if status.code != .ok { s.field(1, varint: UInt64(status.code.rawValue)) }
            if !status.message.isEmpty { s.field(2, string: status.message) }
            w.field(1, bytes: s.bytes)
        }
        if !payload.isEmpty { w.field(2, bytes: payload) }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(TTRPCError) -> TTRPCResponse {
        var r = ProtoReader(bytes)
        var resp = TTRPCResponse()
        while let (field, value) = try r.next() {
            switch (field, value) {
            case (1, .bytes(let b)): resp.status = try decodeStatus(b)
            case (2, .bytes(let b)): resp.payload = b
            default: break
            }
        }
        return resp
    }

    private static func decodeStatus(_ bytes: [UInt8]) throws(TTRPCError) -> TTRPCError? {
        var r = ProtoReader(bytes)
        var code = TTRPCError.Code.ok
        var message = ""
        while let (field, value) = try r.next() {
            switch (field, value) {
            case (1, .varint(let v)): code = TTRPCError.Code(rawValue: Int32(truncatingIfNeeded: v)) ?? .unknown
            case (2, .bytes(let b)): message = String(decoding: b, as: UTF8.self)
            default: break
            }
        }
        return code == .ok ? nil : TTRPCError(code, message)
    }
}
