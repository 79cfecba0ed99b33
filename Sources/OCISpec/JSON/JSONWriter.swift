// Serializes a JSONValue byte-for-byte as Go's encoding/json does (json.Marshal / json.MarshalIndent),
// so `rune spec`, `rune state` and `rune features` print what runc prints.

package enum JSONWriter {
    /// `indent == nil` gives compact output; otherwise each level is indented by `indent`
    /// and members are written as `"key": value`, with `[]` and `{}` kept on one line.
    package static func write(_ value: JSONValue, indent: String? = nil) -> String {
        var output = ""
        append(value, to: &output, indent: indent, level: 0)
        return output
    }

    static func append(_ value: JSONValue, to output: inout String, indent: String?, level: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): appendQuoted(text, to: &output)
        case .array(let elements):
            appendSequence(open: "[", close: "]", count: elements.count, to: &output, indent: indent, level: level) { index, output in
                append(elements[index], to: &output, indent: indent, level: level + 1)
            }
        case .object(let members):
            appendSequence(open: "{", close: "}", count: members.count, to: &output, indent: indent, level: level) { index, output in
                appendQuoted(members[index].key, to: &output)
                output += indent == nil ? ":" : ": "
                append(members[index].value, to: &output, indent: indent, level: level + 1)
            }
        }
    }

    static func appendSequence(
        open: String, close: String, count: Int, to output: inout String, indent: String?, level: Int,
        element: (Int, inout String) -> Void
    ) {
        output += open
        guard count > 0 else { output += close; return }
        for index in 0..<count {
            if index > 0 { output += "," }
            newline(&output, indent: indent, level: level + 1)
            element(index, &output)
        }
        newline(&output, indent: indent, level: level)
        output += close
    }

    static func newline(_ output: inout String, indent: String?, level: Int) {
        guard let indent else { return }
        output += "\n"
        for _ in 0..<level { output += indent }
    }

    /// Go's escaping: HTML-sensitive characters and U+2028/U+2029 as \u escapes, and control
    /// characters other than \n, \r, \t as \u00XX (Go before 1.22, which runc 1.1 is built with).
    static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        if !text.utf8.contains(where: needsEscape) {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// Bytes that start a sequence appendQuoted rewrites (0xE2 covers U+2028 and U+2029).
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == 0xE2
    }
}
