import FoundationEssentials

/// Shared coders; the encoder writes compact JSON without escaping slashes.
enum JSON {
    static let decoder = JSONDecoder()
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }
}

extension JSONDecoder {
    func decodeBytes<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decode(type, from: Data(bytes))
    }
}

extension JSONEncoder {
    func encodeBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        [UInt8](try encode(value) as Data)
    }
}
