// JSONTreeValue for the leaves and collections the document types use. Each conversion is the one
// TreeDecoder and TreeEncoder apply (TreeScalar, Array/Dictionary Codable), so both paths agree.

import RuneSystem

extension String: JSONTreeValue {
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        self = try TreeScalar.string(value, path.node)
    }

    package var jsonTree: JSONValue? { .string(self) }
}

extension Bool: JSONTreeValue {
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        self = try TreeScalar.bool(value, path.node)
    }

    package var jsonTree: JSONValue? { .bool(self) }
}

/// Integers share one implementation; the conformances below only opt each type in.
package protocol JSONTreeInteger: FixedWidthInteger, JSONTreeValue {}

extension JSONTreeInteger {
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        self = try TreeScalar.integer(value, path.node)
    }

    /// Written by bytes (RuneSystem): String(self) would keep the stdlib's generic printing resident.
    package var jsonTree: JSONValue? {
        .number(Self.isSigned ? String(decimal: Int64(truncatingIfNeeded: self)) : String(decimal: UInt64(truncatingIfNeeded: self)))
    }
}

extension Int: JSONTreeInteger {}
extension Int8: JSONTreeInteger {}
extension Int16: JSONTreeInteger {}
extension Int32: JSONTreeInteger {}
extension Int64: JSONTreeInteger {}
extension UInt: JSONTreeInteger {}
extension UInt8: JSONTreeInteger {}
extension UInt16: JSONTreeInteger {}
extension UInt32: JSONTreeInteger {}
extension UInt64: JSONTreeInteger {}

/// decodeIfPresent's rule: a missing or null member is nil. Encoding leaves nil out.
extension Optional: JSONTreeValue where Wrapped: JSONTreeValue {
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        switch value {
        case nil, .null?: self = nil
        case let present?: self = try Wrapped(jsonTree: present, at: path)
        }
    }

    package var jsonTree: JSONValue? {
        switch self {
        case .some(let wrapped): wrapped.jsonTree
        case .none: nil
        }
    }
}

/// Missing or null is an empty array; a null element is the element's zero value.
extension Array: JSONTreeValue where Element: JSONTreeValue {
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        switch value {
        case .array(let elements)?:
            let base = path.node
            self = []
            reserveCapacity(elements.count)
            for index in elements.indices {
                append(try Element(jsonTree: elements[index], at: JSONTreePath(base, .index(index))))
            }
        case nil, .null?: self = []
        case let other?: throw path.failure("expected array, found \(other.kindName)")
        }
    }

    package var jsonTree: JSONValue? { .array(map { $0.jsonTree ?? .null }) }
}

/// A JSON object keyed by arbitrary strings (annotations, sysctl, ...).
extension Dictionary: JSONTreeValue where Key == String, Value: JSONTreeValue {
    /// As Dictionary's Decodable did through TreeKeyedContainer: keys in order of first appearance,
    /// each with the value of its last occurrence (shadowed values are never decoded), exact keys only.
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        switch value {
        case .object(let members)?:
            let base = path.node
            self = [:]
            reserveCapacity(members.count)
            for member in members where index(forKey: member.key) == nil {
                let last = members.last { $0.key == member.key }?.value ?? member.value
                self[member.key] = try Value(jsonTree: last, at: JSONTreePath(base, .key(member.key)))
            }
        case nil, .null?: self = [:]
        case let other?: throw path.failure("expected object, found \(other.kindName)")
        }
    }

    /// Keys sorted as TreeEncoder sorts maps (Go writes maps sorted; Swift's order changes per process).
    package var jsonTree: JSONValue? {
        .object(sorted { $0.key < $1.key }.map { JSONMember($0.key, $0.value.jsonTree ?? .null) })
    }
}

/// String-backed enums, with the message RawRepresentable's Decodable gave through TreeDecoder.
extension JSONTreeValue where Self: RawRepresentable, RawValue == String {
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        let raw = try String(jsonTree: value, at: path)
        guard let decoded = Self(rawValue: raw) else {
            throw path.failure(JSONTreeDecoding.lowerFirst("Cannot initialize \(Self.self) from invalid String value \(raw)"))
        }
        self = decoded
    }

    package var jsonTree: JSONValue? { .string(rawValue) }
}
