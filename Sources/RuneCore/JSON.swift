import OCISpec

/// rune's own documents (state.json, the init config) go through OCISpec's JSON layer, so rune
/// never loads Foundation's coders on its hot path.
enum JSON {
    static let decoder = Decoder()
    static let encoder = Encoder()

    struct Decoder {
        func decodeBytes<T: Decodable>(_ type: T.Type, from bytes: [UInt8], name: String = "state") throws -> T {
            try OCIJSON.decode(type, from: bytes, name: name)
        }
    }

    struct Encoder {
        func encodeBytes<T: Encodable>(_ value: T) throws -> [UInt8] { Array(OCIJSON.encode(value).utf8) }
    }
}
