import RuneCore

struct PauseCommand: Command {
    static let name = "pause"
    static let summary = "pause suspends all processes inside the container"
    static let usage = "<container-id>"
    static let flags: [Flag] = []

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        try global.runtime().pause(id: args.positionals[0])
        return 0
    }
}

struct ResumeCommand: Command {
    static let name = "resume"
    static let summary = "resumes all processes that have been previously paused"
    static let usage = "<container-id>"
    static let flags: [Flag] = []

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        try global.runtime().resume(id: args.positionals[0])
        return 0
    }
}
