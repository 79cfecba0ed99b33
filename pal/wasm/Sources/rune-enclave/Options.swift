// A tiny option parser: `--name value` pairs and `--flag` booleans; unknown options are refused.
import EnclaveEvidence

struct UsageError: Error, CustomStringConvertible {
    let description: String
}

struct VerifyFailure: Error, CustomStringConvertible {
    let description: String
}

struct Options {
    static let flags: Set<String> = ["--debug", "--allow-debug", "--init", "--pub"]
    private var values: [String: String] = [:]
    private var used: Set<String> = []

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--") else { throw UsageError(description: "unexpected argument '\(name)'") }
            if Self.flags.contains(name) {
                values[name] = ""
                index += 1
                continue
            }
            guard index + 1 < arguments.count else { throw UsageError(description: "\(name) needs a value") }
            values[name] = arguments[index + 1]
            index += 2
        }
    }

    mutating func optional(_ name: String) -> String? {
        used.insert(name)
        return values[name]
    }

    mutating func required(_ name: String) throws -> String {
        guard let value = optional(name) else { throw UsageError(description: "missing \(name)") }
        return value
    }

    mutating func flag(_ name: String) -> Bool { optional(name) != nil }

    mutating func hex(_ name: String, bytes count: Int? = nil) throws -> [UInt8]? {
        guard let text = optional(name) else { return nil }
        guard let bytes = Hex.decode(text), count.map({ bytes.count == $0 }) ?? true else {
            throw UsageError(description: "\(name): expected \(count.map { "\($0 * 2) " } ?? "")hex digits")
        }
        return bytes
    }

    mutating func uint16(_ name: String) throws -> UInt16 {
        guard let text = optional(name) else { return 0 }
        guard let value = UInt16(text) else { throw UsageError(description: "\(name): expected 0...65535, got '\(text)'") }
        return value
    }

    /// Called after a command ran: an option it never looked at is a mistake worth reporting.
    func checkAllUsed() throws {
        if let unknown = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw UsageError(description: "unknown option \(unknown) for this command")
        }
    }
}
