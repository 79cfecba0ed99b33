import RuneCore

/// A subcommand: its flags, how many positionals it wants, and a thin call into RuneCore.
protocol Command: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    static var flags: [Flag] { get }
    /// Exact number of positional arguments required, or nil to skip the check.
    static var arguments: Int? { get }
    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32
}

extension Command {
    static var arguments: Int? { 1 }
}

let allCommands: [any Command.Type] = [
    CreateCommand.self, StartCommand.self, RunCommand.self, StateCommand.self, KillCommand.self, DeleteCommand.self,
    ListCommand.self, ExecCommand.self, PsCommand.self, SpecCommand.self, FeaturesCommand.self,
    PauseCommand.self, ResumeCommand.self, UpdateCommand.self, EventsCommand.self, AttestCommand.self,
]
