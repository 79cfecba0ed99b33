import OCISpec
import RuneCore

struct ExecCommand: Command {
    static let name = "exec"
    static let summary = "execute new process inside the container"
    static let usage = "[command options] <container-id> <command> [command options]  || -p process.json <container-id>"
    static let flags: [Flag] = [
        .value("console-socket", help: "path to an AF_UNIX socket which will receive the pty master"),
        .value("cwd", help: "current working directory in the container"),
        .value("env", "e", help: "set environment variables"),
        .bool("tty", "t", help: "allocate a pseudo-TTY"),
        .value("user", "u", help: "UID (format: <uid>[:<gid>])"),
        .value("additional-gids", "g", help: "additional gids"),
        .value("process", "p", help: "path to the process.json"),
        .bool("detach", "d", help: "detach from the container's process"),
        .value("pid-file", help: "specify the file to write the process id to"),
        .value("process-label", help: "set the asm process label for the process commonly used with selinux"),
        .value("apparmor", help: "set the apparmor profile for the process"),
        .bool("no-new-privs", help: "set the no new privileges value for the process"),
        .value("cap", "c", help: "add a capability to the bounding set for the process"),
        .value("preserve-fds", help: "pass N additional file descriptors to the container"),
        .value("cgroup", help: "run the process in an (existing) sub-cgroup(s)"),
        .bool("ignore-paused", help: "allow exec in a paused container"),
    ]
    static let arguments: Int? = nil

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        guard let id = args.positionals.first else { throw RuneError(.invalidArgument, "\"exec\" requires a minimum of 1 argument") }
        let runtime = try global.runtime()
        var options = ExecOptions(process: try process(args, base: try runtime.store.read(id).config.spec().process))
        options.consoleSocket = args.string("console-socket")
        options.pidFile = args.string("pid-file")
        options.detach = args.bool("detach")
        options.preserveFds = try args.int("preserve-fds") ?? 0
        return try runtime.exec(id: id, options: options)
    }

    /// The process to run: --process FILE, or the container's process with the command line's changes (runc's way).
    static func process(_ args: ParsedArgs, base: Process?) throws(RuneError) -> Process {
        if let path = args.string("process") {
            do { return try OCIJSON.decode(Process.self, from: try OCIJSON.readFile(path), name: path) } catch { throw RuneError(.invalidArgument, "\(error)") }
        }
        guard args.positionals.count >= 2 else { throw RuneError(.invalidArgument, "exec args cannot be empty") }
        guard var p = base else { throw RuneError(.invalidArgument, "config.json: process: missing") }
        p.args = Array(args.positionals.dropFirst())
        p.terminal = args.bool("tty")
        p.consoleSize = nil
        p.env = (p.env ?? []) + args.strings("env")
        if let cwd = args.string("cwd") { p.cwd = cwd }
        if args.bool("no-new-privs") { p.noNewPrivileges = true }
        if let user = args.string("user") {
            let parts = user.split(separator: ":", maxSplits: 1)
            guard let uid = UInt32(parts[0]), parts.count == 1 || UInt32(parts[1]) != nil else {
                throw RuneError(.invalidArgument, "parsing \(user) as <uid>[:<gid>]: invalid user")
            }
            p.user.uid = uid
            p.user.gid = parts.count == 2 ? UInt32(parts[1])! : 0
        }
        for gids in args.strings("additional-gids") {
            for g in gids.split(separator: ",") {
                guard let gid = UInt32(g) else { throw RuneError(.invalidArgument, "invalid additional-gids value \(g)") }
                p.user.additionalGids = (p.user.additionalGids ?? []) + [gid]
            }
        }
        for cap in args.strings("cap") {
            var caps = p.capabilities ?? LinuxCapabilities()
            caps.bounding = (caps.bounding ?? []) + [cap]
            caps.effective = (caps.effective ?? []) + [cap]
            caps.permitted = (caps.permitted ?? []) + [cap]
            caps.ambient = (caps.ambient ?? []) + [cap]
            p.capabilities = caps
        }
        return p
    }
}
