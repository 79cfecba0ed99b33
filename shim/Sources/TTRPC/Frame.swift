// ttrpc 1.1 framing: a 10-byte header (length u32 BE, stream id u32 BE, type u8, flags u8) and a payload.

public enum TTRPCMessageType: UInt8, Sendable {
    case request = 1
    case response = 2
    case data = 3
}

public struct TTRPCFrameHeader: Equatable, Sendable {
    public static let size = 10
    /// ttrpc's default limit (`4 << 20`); larger frames are discarded and answered ResourceExhausted.
    public static let maxPayload = 4 << 20

    public var length: UInt32
    public var streamID: UInt32
    public var type: UInt8
    public var flags: UInt8

    public init(length: UInt32, streamID: UInt32, type: UInt8, flags: UInt8 = 0) {
        self.length = length
        self.streamID = streamID
        self.type = type
        self.flags = flags
    }

    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.size)
        appendBigEndian(length, to: &out)
        appendBigEndian(streamID, to: &out)
        out.append(type)
        out.append(flags)
        return out
    }

    /// Decodes a header from exactly `size` bytes.
    public static func decode<C: Collection>(_ bytes: C) -> TTRPCFrameHeader? where C.Element == UInt8 {
        guard bytes.count >= size else { return nil }
        let b = Array(bytes.prefix(size))
        return TTRPCFrameHeader(length: readBigEndian(b, at: 0), streamID: readBigEndian(b, at: 4),
                                type: b[8], flags: b[9])
    }
}

/// One whole frame. `oversized` marks a frame whose payload exceeded the limit and was dropped.
public struct TTRPCFrame: Equatable, Sendable {
    public var header: TTRPCFrameHeader
    public var payload: [UInt8]
    public var oversized: Bool

    public init(streamID: UInt32, type: TTRPCMessageType, payload: [UInt8], flags: UInt8 = 0) {
        header = TTRPCFrameHeader(length: UInt32(payload.count), streamID: streamID, type: type.rawValue, flags: flags)
        self.payload = payload
        oversized = false
    }

    public init(header: TTRPCFrameHeader, payload: [UInt8], oversized: Bool = false) {
        self.header = header
        self.payload = payload
        self.oversized = oversized
    }

    public func encoded() -> [UInt8] {
        var h = header
        h.length = UInt32(payload.count)
        return h.encoded() + payload
    }
}

func appendBigEndian(_ v: UInt32, to out: inout [UInt8]) {
    out.append(UInt8(truncatingIfNeeded: v >> 24))
    out.append(UInt8(truncatingIfNeeded: v >> 16))
    out.append(UInt8(truncatingIfNeeded: v >> 8))
    out.append(UInt8(truncatingIfNeeded: v))
}

func readBigEndian(_ b: [UInt8], at i: Int) -> UInt32 {
    UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}

/// Incremental frame parser, shared by the NIO decoder and the blocking client.
/// Feed bytes with `append`, then call `next()` until it returns nil.
public struct TTRPCFrameParser: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    private var discarding: (header: TTRPCFrameHeader, remaining: Int)?
    public let maxPayload: Int

    public init(maxPayload: Int = TTRPCFrameHeader.maxPayload) {
        self.maxPayload = maxPayload
    }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    private var available: Int { buffer.count - start }

    public mutating func next() -> TTRPCFrame? {
        defer { compact() }
        if let d = discarding {
            let n = min(d.remaining, available)
            start += n
            if n < d.remaining {
                discarding = (d.header, d.remaining - n)
                return nil
            }
            discarding = nil
            return TTRPCFrame(header: d.header, payload: [], oversized: true)
        }
        guard available >= TTRPCFrameHeader.size,
              let header = TTRPCFrameHeader.decode(buffer[start..<(start + TTRPCFrameHeader.size)]) else { return nil }
        let length = Int(header.length)
        if length > maxPayload {
            // Drop the header now and the payload as it arrives; the caller answers ResourceExhausted.
            start += TTRPCFrameHeader.size
            discarding = (header, length)
            return next()
        }
        guard available >= TTRPCFrameHeader.size + length else { return nil }
        let body = Array(buffer[(start + TTRPCFrameHeader.size)..<(start + TTRPCFrameHeader.size + length)])
        start += TTRPCFrameHeader.size + length
        return TTRPCFrame(header: header, payload: body)
    }

    private mutating func compact() {
        if start > 0 && (start == buffer.count || start > 64 << 10) {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
