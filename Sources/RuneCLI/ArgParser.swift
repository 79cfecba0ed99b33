import RuneCore
import RuneSystem

/// One flag as runc declares it: names without dashes ("bundle", "b"), and whether it takes a value.
struct Flag: Sendable {
    let names: [String]
    let takesValue: Bool
    let help: String

    static func value(_ names: String..., help: String) -> Flag { Flag(names: names, takesValue: true, help: help) }
    static func bool(_ names: String..., help: String) -> Flag { Flag(names: names, takesValue: false, help: help) }
}

/// Parsed flags and positional arguments. Parsing follows Go's flag package as runc's CLI uses it:
/// one or two dashes, `-f=v` or `-f v`, booleans as `-f` or `-f=false`, and flags end at the first positional.
struct ParsedArgs {
    var values: [String: [String]] = [:]
    var positionals: [String] = []

    func string(_ name: String) -> String? { values[name]?.last }
    func strings(_ name: String) -> [String] { values[name] ?? [] }
    func bool(_ name: String) -> Bool {
        guard let v = values[name]?.last else { return false }
        return v != "false" && v != "0"
    }
    func int(_ name: String) throws(RuneError) -> Int? {
        guard let v = string(name) else { return nil }
        guard let n = Int(v) else { throw RuneError(.invalidArgument, "invalid value \"\(v)\" for flag -\(name)") }
        return n
    }

    static func parse(_ args: [String], flags: [Flag]) throws(RuneError) -> ParsedArgs {
        var out = ParsedArgs()
        var i = 0
        while i < args.count {
            let arg = args[i]
            if arg == "--" { out.positionals += args[(i + 1)...]; break }
            guard arg.hasBytePrefix("-"), arg.count > 1 else { out.positionals += args[i...]; break }
            var name = String(arg.drop { $0 == "-" })
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let flag = flags.first(where: { $0.names.contains(name) }) else {
                throw RuneError(.invalidArgument, "flag provided but not defined: -\(name)")
            }
            let key = flag.names[0]
            if flag.takesValue {
                if let inline { out.values[key, default: []].append(inline) } else {
                    guard i + 1 < args.count else { throw RuneError(.invalidArgument, "flag needs an argument: -\(name)") }
                    i += 1
                    out.values[key, default: []].append(args[i])
                }
            } else {
                out.values[key, default: []].append(inline ?? "true")
            }
            i += 1
        }
        return out
    }
}
