/// Usage text in runc's layout.
enum Help {
    static func main() -> String {
        var out = """
        NAME:
           rune - Open Container Initiative runtime with enclave containers

        USAGE:
           rune [global options] command [command options] [arguments...]

        COMMANDS:

        """
        for c in allCommands { out += "   " + c.name.padding(12) + c.summary + "\n" }
        out += "\nGLOBAL OPTIONS:\n"
        for f in GlobalOptions.flags { out += "   " + flagLine(f) + "\n" }
        return out
    }

    static func command(_ c: any Command.Type) -> String {
        var out = "NAME:\n   rune \(c.name) - \(c.summary)\n\nUSAGE:\n   rune \(c.name) \(c.usage)\n"
        if !c.flags.isEmpty {
            out += "\nOPTIONS:\n"
            for f in c.flags { out += "   " + flagLine(f) + "\n" }
        }
        return out
    }

    static func flagLine(_ f: Flag) -> String {
        let names = f.names.map { ($0.count == 1 ? "-" : "--") + $0 }.joined(separator: ", ") + (f.takesValue ? " value" : "")
        return names.padding(30) + f.help
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
