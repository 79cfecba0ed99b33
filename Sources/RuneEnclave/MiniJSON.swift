import RuneCore

/// A small reader for the agent's flat JSON (objects of strings, arrays of strings): enough for our own
/// frames, and strict: anything else is an error.
struct MiniJSON {
    private let chars: [Unicode.Scalar]
    private var i = 0

    init(_ text: String) { chars = Array(text.unicodeScalars) }

    mutating func object() throws(RuneError) -> [String: String] {
        var out: [String: String] = [:]
        try expect("{")
        skip()
        if peek() == "}" { i += 1; return out }
        while true {
            let key = try string()
            try expect(":")
            out[key] = try string()
            skip()
            if peek() == "," { i += 1; continue }
            try expect("}")
            return out
        }
    }

    mutating func stringArray() throws(RuneError) -> [String] {
        var out: [String] = []
        try expect("[")
        skip()
        if peek() == "]" { i += 1; return out }
        while true {
            out.append(try string())
            skip()
            if peek() == "," { i += 1; continue }
            try expect("]")
            return out
        }
    }

    private func peek() -> Unicode.Scalar? { i < chars.count ? chars[i] : nil }
    private mutating func skip() { while let c = peek(), c == " " || c == "\n" || c == "\t" || c == "\r" { i += 1 } }

    private mutating func expect(_ c: Unicode.Scalar) throws(RuneError) {
        skip()
        guard peek() == c else { throw RuneError(.invalidArgument, "agent frame: expected '\(c)' at \(i)") }
        i += 1
    }

    private mutating func string() throws(RuneError) -> String {
        try expect("\"")
        var out = String.UnicodeScalarView()
        while let c = peek() {
            i += 1
            if c == "\"" { return String(out) }
            guard c == "\\" else { out.append(c); continue }
            guard let e = peek() else { break }
            i += 1
            switch e {
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                guard i + 4 <= chars.count, let v = UInt32(String(String.UnicodeScalarView(chars[i..<i + 4])), radix: 16),
                      let s = Unicode.Scalar(v) else { throw RuneError(.invalidArgument, "agent frame: bad escape") }
                out.append(s)
                i += 4
            default: out.append(e)
            }
        }
        throw RuneError(.invalidArgument, "agent frame: unterminated string")
    }
}
