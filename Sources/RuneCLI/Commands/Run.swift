import RuneCore

struct RunCommand: Command {
    static let name = "run"
    static let summary = "create and run a container"
    static let usage = "[command options] <container-id>"
    static let flags = createFlags + [
        .bool("detach", "d", help: "detach from the container's process"),
        .bool("keep", help: "do not delete the container after it exits"),
        .bool("no-subreaper", help: "accepted for compatibility"),
    ]

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        try global.runtime().run(id: args.positionals[0], options: try createOptions(args), detach: args.bool("detach"),
                                 keep: args.bool("keep"))
    }
}
