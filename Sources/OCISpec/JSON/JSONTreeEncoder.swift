// Encodes Encodable values into a JSONValue, keeping members in the order the type encodes them
// (declaration order for synthesized conformances) and sorting dictionary keys as Go does for maps.
// Optional properties that are nil are left out, like Go's omitempty.

package enum JSONTreeEncoding {
    package static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try EncodingBox.encoding(value).jsonValue
    }
}

/// A node under construction; containers append children to it by reference.
final class EncodingBox {
    var leaf: JSONValue?
    var members: [(String, EncodingBox)]?
    var elements: [EncodingBox]?
    /// The CodingKey type of the keyed container that filled `members`.
    var keyType: ObjectIdentifier?

    init() {}

    init(leaf: JSONValue) { self.leaf = leaf }

    static func encoding<T: Encodable>(_ value: T) throws -> EncodingBox {
        if let string = value as? String { return EncodingBox(leaf: .string(string)) }
        let box = EncodingBox()
        try value.encode(to: TreeEncoder(box: box))
        return box
    }

    var jsonValue: JSONValue {
        if var members {
            // Maps are written sorted by key, as Go does; Swift's Dictionary order changes per process.
            if keyType != nil, keyType == Self.dictionaryKeyType { members.sort { $0.0 < $1.0 } }
            return .object(members.map { JSONMember($0.0, $0.1.jsonValue) })
        }
        if let elements { return .array(elements.map(\.jsonValue)) }
        return leaf ?? .object([])
    }

    /// The private key type Dictionary encodes with, learnt once by encoding a one-entry dictionary.
    /// Comparing type identities is far cheaper than a dynamic cast of every value.
    static let dictionaryKeyType: ObjectIdentifier? = {
        let probe = EncodingBox()
        try? ["key": 0].encode(to: TreeEncoder(box: probe))
        return probe.keyType
    }()

    func appendMember(_ key: String, _ child: EncodingBox) {
        if members == nil { members = [] }
        members!.append((key, child))
    }

    func appendElement(_ child: EncodingBox) {
        if elements == nil { elements = [] }
        elements!.append(child)
    }
}

enum EncodingLeaf {
    static func number<T: BinaryInteger>(_ value: T) -> EncodingBox { EncodingBox(leaf: .number("\(value)")) }

    static func number<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) throws -> EncodingBox {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "JSON has no \(value)"))
        }
        let whole = value.rounded(.towardZero) == value && abs(value) < 1e15
        return EncodingBox(leaf: .number(whole ? "\(Int64(value))" : "\(value)"))
    }
}

struct TreeEncoder: Encoder {
    let box: EncodingBox
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if box.members == nil { box.members = [] }
        box.keyType = ObjectIdentifier(Key.self)
        return KeyedEncodingContainer(TreeKeyedEncodingContainer<Key>(box: box))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if box.elements == nil { box.elements = [] }
        return TreeUnkeyedEncodingContainer(box: box)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { TreeSingleValueEncodingContainer(box: box) }
}

struct TreeKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: EncodingBox
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) { box.appendMember(key.stringValue, EncodingBox(leaf: .null)) }
    mutating func encode(_ value: Bool, forKey key: Key) { box.appendMember(key.stringValue, EncodingBox(leaf: .bool(value))) }
    mutating func encode(_ value: String, forKey key: Key) { box.appendMember(key.stringValue, EncodingBox(leaf: .string(value))) }
    mutating func encode(_ value: Double, forKey key: Key) throws { box.appendMember(key.stringValue, try EncodingLeaf.number(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { box.appendMember(key.stringValue, try EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) { box.appendMember(key.stringValue, EncodingLeaf.number(value)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.appendMember(key.stringValue, try EncodingBox.encoding(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingBox()
        box.appendMember(key.stringValue, child)
        return TreeEncoder(box: child).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingBox()
        box.appendMember(key.stringValue, child)
        return TreeEncoder(box: child).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingBox()
        box.appendMember(key.stringValue, child)
        return TreeEncoder(box: child)
    }
}

struct TreeUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let box: EncodingBox
    var codingPath: [any CodingKey] { [] }
    var count: Int { box.elements?.count ?? 0 }

    mutating func encodeNil() { box.appendElement(EncodingBox(leaf: .null)) }
    mutating func encode(_ value: Bool) { box.appendElement(EncodingBox(leaf: .bool(value))) }
    mutating func encode(_ value: String) { box.appendElement(EncodingBox(leaf: .string(value))) }
    mutating func encode(_ value: Double) throws { box.appendElement(try EncodingLeaf.number(value)) }
    mutating func encode(_ value: Float) throws { box.appendElement(try EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int8) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int16) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int32) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: Int64) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt8) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt16) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt32) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode(_ value: UInt64) { box.appendElement(EncodingLeaf.number(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { box.appendElement(try EncodingBox.encoding(value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingBox()
        box.appendElement(child)
        return TreeEncoder(box: child).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodingBox()
        box.appendElement(child)
        return TreeEncoder(box: child).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingBox()
        box.appendElement(child)
        return TreeEncoder(box: child)
    }
}

struct TreeSingleValueEncodingContainer: SingleValueEncodingContainer {
    let box: EncodingBox
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() { box.leaf = .null }
    mutating func encode(_ value: Bool) { box.leaf = .bool(value) }
    mutating func encode(_ value: String) { box.leaf = .string(value) }
    mutating func encode(_ value: Double) throws { box.leaf = try EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: Float) throws { box.leaf = try EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: Int) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: Int8) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: Int16) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: Int32) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: Int64) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: UInt) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: UInt8) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: UInt16) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: UInt32) { box.leaf = EncodingLeaf.number(value).leaf }
    mutating func encode(_ value: UInt64) { box.leaf = EncodingLeaf.number(value).leaf }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let child = try EncodingBox.encoding(value)
        box.leaf = child.leaf
        box.members = child.members
        box.elements = child.elements
    }
}
