import RuneCore

struct DeleteCommand: Command {
    static let name = "delete"
    static let summary = "delete any resources held by the container often used with detached container"
    static let usage = "[command options] <container-id>"
    static let flags: [Flag] = [.bool("force", "f", help: "forcibly deletes the container if it is still running (uses SIGKILL)")]

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        try global.runtime().delete(id: args.positionals[0], force: args.bool("force"))
        return 0
    }
}
