// Decodes Decodable values from a JSONValue with Go encoding/json semantics, which runc relies on:
// unknown keys are ignored, and a missing or null member of a non-optional field yields the zero value
// ("", 0, false, empty array, a struct of zero values) instead of an error. Errors name the field path.

import RuneSystem

/// A decoding failure: the dotted field path (`linux.namespaces[2].type`) and what was wrong.
package struct JSONDecodeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var reason: String

    package var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// The chain of keys and indexes from the document root, built lazily for error messages.
final class DecodePath: Sendable {
    enum Step { case key(String), index(Int) }
    let parent: DecodePath?
    let step: Step?

    init(parent: DecodePath?, step: Step?) {
        self.parent = parent
        self.step = step
    }

    static let root = DecodePath(parent: nil, step: nil)

    func appending(_ step: Step) -> DecodePath { DecodePath(parent: self, step: step) }

    var rendered: String {
        var steps: [Step] = []
        var node: DecodePath? = self
        while let current = node {
            if let step = current.step { steps.append(step) }
            node = current.parent
        }
        var text = ""
        for step in steps.reversed() {
            switch step {
            case .key(let key) where Self.isPlainName(key): text += text.isEmpty ? key : ".\(key)"
            case .key(let key): text += "[\(JSONWriter.write(.string(key)))]"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// Field names print bare; map keys such as "net.ipv4.ip_forward" or ones with control characters
    /// print quoted in brackets, so that a message stays one unambiguous line.
    static func isPlainName(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    var codingPath: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node: DecodePath? = self
        while let current = node {
            switch current.step {
            case .key(let key): keys.append(JSONKey(key))
            case .index(let index): keys.append(JSONKey(index))
            case nil: break
            }
            node = current.parent
        }
        return keys.reversed()
    }

    func failure(_ reason: String) -> JSONDecodeFailure { JSONDecodeFailure(path: rendered, reason: reason) }
}

/// A plain coding key for paths and dictionary members.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string; intValue = nil }
    init(_ int: Int) { stringValue = "\(int)"; intValue = int }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(intValue) }
}

package enum JSONTreeDecoding {
    package static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONDecodeFailure) -> T {
        do {
            return try T(from: TreeDecoder(value: value, path: .root))
        } catch let failure as JSONDecodeFailure {
            throw failure
        } catch let error as DecodingError {
            // Hand-written init(from:) (e.g. String-backed enums) throw DecodingError; keep its path.
            throw failure(from: error)
        } catch {
            throw JSONDecodeFailure(path: "", reason: "\(error)")
        }
    }

    package static func failure(from error: DecodingError) -> JSONDecodeFailure {
        switch error {
        case .typeMismatch(let type, let context):
            return JSONDecodeFailure(path: dottedPath(context.codingPath), reason: "expected \(type)".lowercased())
        case .valueNotFound(_, let context):
            return JSONDecodeFailure(path: dottedPath(context.codingPath), reason: "missing value")
        case .keyNotFound(let key, let context):
            return JSONDecodeFailure(path: dottedPath(context.codingPath + [key]), reason: "missing")
        case .dataCorrupted(let context):
            return JSONDecodeFailure(path: dottedPath(context.codingPath), reason: lowerFirst(context.debugDescription))
        @unknown default:
            return JSONDecodeFailure(path: "", reason: "\(error)")
        }
    }

    /// `[linux, namespaces, 2, type]` → `linux.namespaces[2].type`.
    package static func dottedPath(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue == "\(index)" || key.stringValue.hasBytePrefix("Index ") {
                text += "[\(index)]"
            } else if DecodePath.isPlainName(key.stringValue) {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            } else {
                text += "[\(JSONWriter.write(.string(key.stringValue)))]"
            }
        }
        return text
    }

    static func lowerFirst(_ text: String) -> String {
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        return trimmed.prefix(1).lowercased() + trimmed.dropFirst()
    }
}

/// `value == nil` stands for a missing member or null: every request then yields the zero value.
struct TreeDecoder: Decoder {
    let value: JSONValue?
    let path: DecodePath

    var codingPath: [any CodingKey] { path.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let members): return KeyedDecodingContainer(TreeKeyedContainer<Key>(members: members, path: path))
        case nil, .null: return KeyedDecodingContainer(TreeKeyedContainer<Key>(members: [], path: path))
        case let other?: throw path.failure("expected object, found \(other.kindName)")
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let elements): return TreeUnkeyedContainer(elements: elements, path: path)
        case nil, .null: return TreeUnkeyedContainer(elements: [], path: path)
        case let other?: throw path.failure("expected array, found \(other.kindName)")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TreeSingleValueContainer(value: value, path: path)
    }
}

/// Conversions from a JSON leaf to Swift scalars, shared by the three container kinds.
enum TreeScalar {
    static func string(_ value: JSONValue?, _ path: @autoclosure () -> DecodePath) throws(JSONDecodeFailure) -> String {
        switch value {
        case .string(let text): return text
        case nil, .null: return ""
        case let other?: throw path().failure("expected string, found \(other.kindName)")
        }
    }

    static func bool(_ value: JSONValue?, _ path: @autoclosure () -> DecodePath) throws(JSONDecodeFailure) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case nil, .null: return false
        case let other?: throw path().failure("expected boolean, found \(other.kindName)")
        }
    }

    static func integer<T: FixedWidthInteger>(_ value: JSONValue?, _ path: @autoclosure () -> DecodePath) throws(JSONDecodeFailure) -> T {
        switch value {
        case .number(let text):
            if let number = T(text) { return number }
            let isWhole = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
            let typeName = "\(T.self)".lowercased()
            throw path().failure(isWhole ? "number \(text) out of range for \(typeName)" : "expected \(typeName), found number \(text)")
        case nil, .null: return 0
        case let other?: throw path().failure("expected \("\(T.self)".lowercased()), found \(other.kindName)")
        }
    }

    static func floatingPoint<T: LosslessStringConvertible & BinaryFloatingPoint>(
        _ value: JSONValue?, _ path: @autoclosure () -> DecodePath
    ) throws(JSONDecodeFailure) -> T {
        switch value {
        case .number(let text):
            guard let number = T(text), number.isFinite else { throw path().failure("number \(text) out of range") }
            return number
        case nil, .null: return 0
        case let other?: throw path().failure("expected number, found \(other.kindName)")
        }
    }

    /// Decodes any Decodable, with fast paths for the scalars so that arrays of strings stay cheap.
    static func decode<T: Decodable>(_ value: JSONValue?, at path: @autoclosure () -> DecodePath) throws -> T {
        if T.self == String.self { return try string(value, path()) as! T }
        if T.self == Bool.self { return try bool(value, path()) as! T }
        return try T(from: TreeDecoder(value: value, path: path()))
    }
}
