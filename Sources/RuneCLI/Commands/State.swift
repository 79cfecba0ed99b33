import RuneCore

struct StateCommand: Command {
    static let name = "state"
    static let summary = "output the state of a container"
    static let usage = "<container-id>"
    static let flags: [Flag] = []

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        print(try global.runtime().state(id: args.positionals[0]).stateJSON())
        return 0
    }
}
