// The fast path between JSONValue trees and rune's document types. Codable through TreeDecoder made the
// Swift runtime instantiate generic metadata and scan conformances for every CodingKeys, keyed container
// and Array<T> on first use: about 2 M instructions per config.json at process start. These mappings are
// plain (module-specialised) code with the same Go semantics as TreeDecoder (see JSONTreeDecoder.swift):
// unknown keys ignored, missing or null members give zero values (nil for optionals), the last duplicate
// wins, ASCII-case-insensitive key fallback, and the same dotted-path error messages.

/// A value that reads itself from, and writes itself to, a JSON tree.
package protocol JSONTreeValue {
    /// Decodes `value` (nil: the member is missing) found at `path`.
    init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure)
    /// The encoded value; nil leaves the member out (a nil optional, like Go's omitempty on pointers).
    var jsonTree: JSONValue? { get }
}

/// A struct encoded as a JSON object. `mapJSONFields` names every stored property once, in declaration
/// order, and serves decoding, encoding and the tests that check no property is forgotten.
package protocol JSONTreeObject: JSONTreeValue {
    /// Any value; decoding overwrites every mapped property.
    init(jsonBlank: Void)
    mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure)
}

extension JSONTreeObject {
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        var fields = try JSONFields(decoding: value, at: path)
        self.init(jsonBlank: ())
        try mapJSONFields(&fields)
    }

    package var jsonTree: JSONValue? {
        // mapJSONFields is mutating for the decoding direction; encoding only reads the copy.
        var copy = self
        var fields = JSONFields(mode: .encode)
        do { try copy.mapJSONFields(&fields) } catch { preconditionFailure("encoding never throws: \(error)") }
        return .object(fields.output)
    }

    /// The JSON keys in mapping order (for tests that compare them with the stored properties).
    package static var jsonFieldNames: [String] {
        var blank = Self(jsonBlank: ())
        var fields = JSONFields(mode: .listKeys)
        try? blank.mapJSONFields(&fields)
        return fields.output.map(\.key)
    }
}

/// A path that is only allocated as a DecodePath when a container is entered or an error is reported.
package struct JSONTreePath {
    let parent: DecodePath
    let step: DecodePath.Step?

    init(_ parent: DecodePath, _ step: DecodePath.Step? = nil) {
        self.parent = parent
        self.step = step
    }

    package static var root: JSONTreePath { JSONTreePath(.root) }

    var node: DecodePath {
        guard let step else { return parent }
        return parent.appending(step)
    }

    package func failure(_ reason: String) -> JSONDecodeFailure { node.failure(reason) }
}

/// One object's members while a mapping runs: read with Go's key rules, or written in mapping order.
package struct JSONFields {
    enum Mode { case decode, encode, listKeys }

    let mode: Mode
    private let members: [JSONMember]
    private let path: DecodePath
    fileprivate(set) var output: [JSONMember] = []

    init(mode: Mode) {
        self.mode = mode
        members = []
        path = .root
    }

    /// Missing or null gives no members (every field its zero value); anything but an object fails.
    init(decoding value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        mode = .decode
        switch value {
        case .object(let members)?: self.members = members
        case nil, .null?: members = []
        case let other?: throw path.failure("expected object, found \(other.kindName)")
        }
        self.path = path.node
    }

    package mutating func map<T: JSONTreeValue>(_ key: String, _ value: inout T) throws(JSONDecodeFailure) {
        try mapValue(key, &value)
    }

    // Other modules' mappings (RuneCore's state types) call these unspecialised: package functions are
    // not inlined across modules. Passing the wrapped or element type instead of Optional<T> or
    // [String: V] spares the runtime a lookup of that type's metadata by mangled name.
    package mutating func map<T: JSONTreeValue>(_ key: String, _ value: inout T?) throws(JSONDecodeFailure) {
        try mapValue(key, &value)
    }

    package mutating func map<V: JSONTreeValue>(_ key: String, _ value: inout [String: V]) throws(JSONDecodeFailure) {
        try mapValue(key, &value)
    }

    private mutating func mapValue<T: JSONTreeValue>(_ key: String, _ value: inout T) throws(JSONDecodeFailure) {
        switch mode {
        case .decode: value = try T(jsonTree: JSONMemberLookup.value(key, in: members), at: JSONTreePath(path, .key(key)))
        case .encode: if let tree = value.jsonTree { output.append(JSONMember(key, tree)) }
        case .listKeys: output.append(JSONMember(key, .null))
        }
    }

    /// Like `map`, but an empty map is left out as well as nil (Go's omitempty on a map).
    package mutating func mapOmittingEmpty(_ key: String, _ value: inout [String: String]?) throws(JSONDecodeFailure) {
        if mode == .encode, value?.isEmpty ?? true { return }
        try map(key, &value)
    }
}

extension JSONValue {
    /// The member for `key` with Go's rules (as the mappings read it); nil if this is not an object.
    package func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return JSONMemberLookup.value(key, in: members)
    }
}

/// Go's member lookup, shared with TreeKeyedContainer.
enum JSONMemberLookup {
    /// The last member named `key` wins; a key that differs only in ASCII case ("Process") matches
    /// when there is no exact match, as in Go (and so runc).
    /// Lengths are compared first: most keys differ in length, and that is cheaper than `==`.
    static func value(_ key: String, in members: [JSONMember]) -> JSONValue? {
        let length = key.utf8.count
        for index in members.indices.reversed() where members[index].key.utf8.count == length && members[index].key == key {
            return members[index].value
        }
        for index in members.indices.reversed()
        where members[index].key.utf8.count == length && equalIgnoringASCIICase(members[index].key, key) {
            return members[index].value
        }
        return nil
    }

    static func equalIgnoringASCIICase(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        var lhs = lhs, rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                for index in left.indices where left[index] != right[index] {
                    let folded = left[index] | 0x20
                    guard folded == right[index] | 0x20, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(folded) else { return false }
                }
                return true
            }
        }
    }
}
