import RuneCore

let createFlags: [Flag] = [
    .value("bundle", "b", help: "path to the root of the bundle directory, defaults to the current directory"),
    .value("console-socket", help: "path to an AF_UNIX socket which will receive the pty master"),
    .value("pid-file", help: "specify the file to write the process id to"),
    .bool("no-pivot", help: "do not use pivot root to jail process inside rootfs"),
    .bool("no-new-keyring", help: "do not create a new session keyring for the container"),
    .value("preserve-fds", help: "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)"),
]

func createOptions(_ args: ParsedArgs) throws(RuneError) -> CreateOptions {
    var options = CreateOptions(bundle: args.string("bundle") ?? ".")
    options.consoleSocket = args.string("console-socket")
    options.pidFile = args.string("pid-file")
    options.noPivot = args.bool("no-pivot")
    options.noNewKeyring = args.bool("no-new-keyring")
    options.preserveFds = try args.int("preserve-fds") ?? 0
    if let listen = getenvString("LISTEN_FDS"), let n = Int(listen) { options.preserveFds += n }
    return options
}

struct CreateCommand: Command {
    static let name = "create"
    static let summary = "create a container"
    static let usage = "[command options] <container-id>"
    static let flags = createFlags

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        _ = try global.runtime().create(id: args.positionals[0], options: try createOptions(args))
        return 0
    }
}
