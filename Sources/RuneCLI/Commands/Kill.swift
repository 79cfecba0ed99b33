import RuneCore

struct KillCommand: Command {
    static let name = "kill"
    static let summary = "kill sends the specified signal (default: SIGTERM) to the container's init process"
    static let usage = "[command options] <container-id> [signal]"
    static let flags: [Flag] = [.bool("all", "a", help: "send the specified signal to all processes inside the container")]
    static let arguments: Int? = nil

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        guard (1...2).contains(args.positionals.count) else {
            throw RuneError(.invalidArgument, "\"kill\" requires a minimum of 1 and a maximum of 2 arguments")
        }
        let signal = try Signals.parse(args.positionals.count == 2 ? args.positionals[1] : "SIGTERM")
        try global.runtime().kill(id: args.positionals[0], signal: signal, all: args.bool("all"))
        return 0
    }
}
