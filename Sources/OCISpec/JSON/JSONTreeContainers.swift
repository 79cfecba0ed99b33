// Keyed, unkeyed and single-value containers of TreeDecoder (see JSONTreeDecoder.swift for the semantics).

struct TreeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [JSONMember]
    let path: DecodePath

    var codingPath: [any CodingKey] { path.codingPath }

    var allKeys: [Key] {
        var seen = Set<String>()
        return members.compactMap { seen.insert($0.key).inserted ? Key(stringValue: $0.key) : nil }
    }

    /// The last member named `key` wins, as in Go. Like Go (and so runc), a key that differs only in
    /// ASCII case ("Process") matches when there is no exact match.
    func member(_ key: Key) -> JSONValue? { JSONMemberLookup.value(key.stringValue, in: members) }

    func childPath(_ key: Key) -> DecodePath { path.appending(.key(key.stringValue)) }

    func contains(_ key: Key) -> Bool { member(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        switch member(key) {
        case nil, .null?: true
        default: false
        }
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try TreeScalar.bool(member(key), childPath(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try TreeScalar.string(member(key), childPath(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try TreeScalar.floatingPoint(member(key), childPath(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try TreeScalar.floatingPoint(member(key), childPath(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try TreeScalar.integer(member(key), childPath(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try TreeScalar.integer(member(key), childPath(key)) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try TreeScalar.decode(member(key), at: childPath(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: member(key), path: childPath(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: member(key), path: childPath(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { TreeDecoder(value: .object(members), path: path) }

    func superDecoder(forKey key: Key) throws -> any Decoder { TreeDecoder(value: member(key), path: childPath(key)) }
}

struct TreeUnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let path: DecodePath
    var currentIndex = 0

    init(elements: [JSONValue], path: DecodePath) {
        self.elements = elements
        self.path = path
    }

    var codingPath: [any CodingKey] { path.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The next element and its path; reading past the end is a programming error of the caller's type.
    mutating func next() throws -> (JSONValue, DecodePath) {
        guard !isAtEnd else { throw path.failure("unexpected end of array") }
        defer { currentIndex += 1 }
        return (elements[currentIndex], path.appending(.index(currentIndex)))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { let (v, p) = try next(); return try TreeScalar.bool(v, p) }
    mutating func decode(_ type: String.Type) throws -> String { let (v, p) = try next(); return try TreeScalar.string(v, p) }
    mutating func decode(_ type: Double.Type) throws -> Double { let (v, p) = try next(); return try TreeScalar.floatingPoint(v, p) }
    mutating func decode(_ type: Float.Type) throws -> Float { let (v, p) = try next(); return try TreeScalar.floatingPoint(v, p) }
    mutating func decode(_ type: Int.Type) throws -> Int { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let (v, p) = try next(); return try TreeScalar.integer(v, p) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let (v, p) = try next(); return try TreeScalar.integer(v, p) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, elementPath) = try next()
        return try TreeScalar.decode(value, at: elementPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, elementPath) = try next()
        return try TreeDecoder(value: value, path: elementPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, elementPath) = try next()
        return try TreeDecoder(value: value, path: elementPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, elementPath) = try next()
        return TreeDecoder(value: value, path: elementPath)
    }
}

struct TreeSingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue?
    let path: DecodePath

    var codingPath: [any CodingKey] { path.codingPath }

    func decodeNil() -> Bool {
        switch value {
        case nil, .null?: true
        default: false
        }
    }

    func decode(_ type: Bool.Type) throws -> Bool { try TreeScalar.bool(value, path) }
    func decode(_ type: String.Type) throws -> String { try TreeScalar.string(value, path) }
    func decode(_ type: Double.Type) throws -> Double { try TreeScalar.floatingPoint(value, path) }
    func decode(_ type: Float.Type) throws -> Float { try TreeScalar.floatingPoint(value, path) }
    func decode(_ type: Int.Type) throws -> Int { try TreeScalar.integer(value, path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try TreeScalar.integer(value, path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try TreeScalar.integer(value, path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try TreeScalar.integer(value, path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try TreeScalar.integer(value, path) }
    func decode(_ type: UInt.Type) throws -> UInt { try TreeScalar.integer(value, path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try TreeScalar.integer(value, path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try TreeScalar.integer(value, path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try TreeScalar.integer(value, path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try TreeScalar.integer(value, path) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try TreeScalar.decode(value, at: path) }
}
