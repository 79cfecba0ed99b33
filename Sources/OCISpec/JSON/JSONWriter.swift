// Serializes a JSONValue byte-for-byte as Go's encoding/json does (json.Marshal / json.MarshalIndent),
// so `rune spec`, `rune state` and `rune features` print what runc prints.

package enum JSONWriter {
    /// `indent == nil` gives compact output; otherwise each level is indented by `indent`
    /// and members are written as `"key": value`, with `[]` and `{}` kept on one line.
    package static func write(_ value: JSONValue, indent: String? = nil) -> String {
        var writer = ByteWriter(indent: indent.map { Array($0.utf8) })
        writer.bytes.reserveCapacity(4096)
        writer.append(value, level: 0)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// Output is built as UTF-8 bytes and turned into a String once: many small String appends cost more.
private struct ByteWriter {
    let indent: [UInt8]?
    var bytes: [UInt8] = []

    init(indent: [UInt8]?) { self.indent = indent }

    mutating func append(_ value: JSONValue, level: Int) {
        switch value {
        case .null: bytes += "null".utf8
        case .bool(let flag): bytes += (flag ? "true" : "false").utf8
        case .number(let text): bytes += text.utf8
        case .string(let text): appendQuoted(text)
        case .array(let elements):
            appendSequence(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), count: elements.count, level: level) { writer, index in
                writer.append(elements[index], level: level + 1)
            }
        case .object(let members):
            appendSequence(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), count: members.count, level: level) { writer, index in
                writer.appendQuoted(members[index].key)
                writer.bytes.append(UInt8(ascii: ":"))
                if writer.indent != nil { writer.bytes.append(UInt8(ascii: " ")) }
                writer.append(members[index].value, level: level + 1)
            }
        }
    }

    mutating func appendSequence(open: UInt8, close: UInt8, count: Int, level: Int, element: (inout ByteWriter, Int) -> Void) {
        bytes.append(open)
        guard count > 0 else { bytes.append(close); return }
        for index in 0..<count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(level: level + 1)
            element(&self, index)
        }
        newline(level: level)
        bytes.append(close)
    }

    mutating func newline(level: Int) {
        guard let indent else { return }
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<level { bytes += indent }
    }

    /// Go's escaping: HTML-sensitive characters and U+2028/U+2029 as \u escapes, and control
    /// characters other than \n, \r, \t as \u00XX (Go before 1.22, which runc 1.1 is built with).
    mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // One pass over contiguous UTF-8 (contains(where:) on the UTF8View called a closure per byte).
        var text = text
        let plain = text.withUTF8 { utf8 in
            for byte in utf8 where Self.needsEscape(byte) { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !plain {
            for scalar in text.unicodeScalars { appendEscaped(scalar) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func appendEscaped(_ scalar: Unicode.Scalar) {
        switch scalar {
        case "\"": bytes += "\\\"".utf8
        case "\\": bytes += "\\\\".utf8
        case "\n": bytes += "\\n".utf8
        case "\r": bytes += "\\r".utf8
        case "\t": bytes += "\\t".utf8
        case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{0}"..."\u{1F}":
            let hex = String(scalar.value, radix: 16)
            bytes += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
        default: bytes += String(scalar).utf8
        }
    }

    /// Bytes that start a sequence appendEscaped rewrites (0xE2 leads U+2028 and U+2029).
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == 0xE2
    }
}
