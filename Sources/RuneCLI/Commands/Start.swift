import RuneCore

struct StartCommand: Command {
    static let name = "start"
    static let summary = "executes the user defined process in a created container"
    static let usage = "<container-id>"
    static let flags: [Flag] = []

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        try global.runtime().start(id: args.positionals[0])
        return 0
    }
}
