// Codable conformances of the mapped types go through here, so `OCIJSON.decode(Spec.self, ...)` and every
// other Codable caller get the fast mapping. With this layer's TreeDecoder/TreeEncoder the mapping runs on
// the tree directly (a cast of the existential to the concrete struct, no conformance lookup); any other
// coder (Foundation's, a test's) is read into or written from a JSONValue first, with the same mapping.

package enum JSONTreeBridge {
    package static func decode<T: JSONTreeValue>(from decoder: any Decoder) throws -> T {
        if let tree = decoder as? TreeDecoder {
            return try T(jsonTree: tree.value, at: JSONTreePath(tree.path))
        }
        let value = try JSONValue(foreignDecoder: decoder)
        do {
            return try T(jsonTree: value, at: .root)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    package static func encode<T: JSONTreeValue>(_ value: T, to encoder: any Encoder) throws {
        let tree = value.jsonTree ?? .null
        if let treeEncoder = encoder as? TreeEncoder {
            treeEncoder.box.store(tree)
        } else {
            try tree.encode(toForeign: encoder)
        }
    }
}

extension EncodingBox {
    /// A finished subtree from a mapping replaces whatever the box held.
    func store(_ value: JSONValue) {
        leaf = value
        members = nil
        elements = nil
        keyType = nil
    }
}

extension JSONValue {
    /// Reads any JSON value through a foreign Decoder by trying each shape in turn.
    init(foreignDecoder decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: JSONKey.self) {
            var members: [JSONMember] = []
            for key in keyed.allKeys {
                members.append(JSONMember(key.stringValue, try JSONValue(foreignDecoder: keyed.superDecoder(forKey: key))))
            }
            self = .object(members)
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !unkeyed.isAtEnd { elements.append(try JSONValue(foreignDecoder: unkeyed.superDecoder())) }
            self = .array(elements)
        } else {
            self = try Self.foreignLeaf(decoder.singleValueContainer())
        }
    }

    private static func foreignLeaf(_ container: any SingleValueDecodingContainer) throws -> JSONValue {
        if container.decodeNil() { return .null }
        if let flag = try? container.decode(Bool.self) { return .bool(flag) }
        if let text = try? container.decode(String.self) { return .string(text) }
        if let number = try? container.decode(Int64.self) { return .number(String(number)) }
        if let number = try? container.decode(UInt64.self) { return .number(String(number)) }
        return .number(String(try container.decode(Double.self)))
    }

    /// Writes this value through a foreign Encoder; numbers go out as the narrowest exact Swift type.
    func encode(toForeign encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var container = encoder.container(keyedBy: JSONKey.self)
            for member in members { try member.value.encode(toForeign: container.superEncoder(forKey: JSONKey(member.key))) }
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try element.encode(toForeign: container.superEncoder()) }
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if let number = Int64(text) {
                try container.encode(number)
            } else if let number = UInt64(text) {
                try container.encode(number)
            } else {
                try container.encode(Double(text) ?? .nan)
            }
        }
    }
}
