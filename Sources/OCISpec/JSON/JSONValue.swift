// A parsed JSON document that keeps object members in file order. OCISpec uses its own JSON layer
// because FoundationEssentials' JSONDecoder reports syntax and number-range errors without a line or
// field, and its JSONEncoder does not keep key order (runc's output does).

/// One JSON value. Numbers keep their source text so that 64-bit integers convert exactly.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The word used in error messages for this kind of value ("found string").
    package var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let text): "number \(text)"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The member value for `key`; the last one wins when a key repeats, as in Go.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    /// Equality that ignores the order of object members (and repeated keys: the last one counts).
    package func isSemanticallyEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.object(let lhs), .object(let rhs)):
            let left = Self.lastValueByKey(lhs), right = Self.lastValueByKey(rhs)
            guard left.count == right.count else { return false }
            return left.allSatisfy { key, value in right[key].map { value.isSemanticallyEqual(to: $0) } ?? false }
        case (.array(let lhs), .array(let rhs)):
            return lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.isSemanticallyEqual(to: $1) }
        case (.number(let lhs), .number(let rhs)):
            return lhs == rhs || (Double(lhs) != nil && Double(lhs) == Double(rhs))
        default:
            return self == other
        }
    }

    private static func lastValueByKey(_ members: [JSONMember]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for member in members { result[member.key] = member.value }
        return result
    }
}

/// One `"key": value` pair of a JSON object.
package struct JSONMember: Sendable, Equatable {
    package var key: String
    package var value: JSONValue

    package init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
