import CRuneLinux
import Glibc
import RuneCore
import RuneEnclave

public let runeVersion = "0.1.0"

/// The process entry: the container init when nsexec.c says so, the CLI otherwise.
public func runeMain() -> Never {
    if rune_nsexec_get_stage() == 2 {
        EnclaveSupport.installInit()
        ContainerInit.main()
    }
    var args = (1..<max(Int(rune_argc()), 1)).map { String(cString: rune_argv()[$0]!) }
    let code: Int32
    do {
        let global = try ParsedArgs.parse(args, flags: GlobalOptions.flags)
        args = global.positionals
        if global.bool("version") { print(versionText()); exit(0) }
        guard let name = args.first, !global.bool("help"), name != "help" else {
            print(Help.main())
            exit(0)
        }
        guard let command = allCommands.first(where: { $0.name == name }) else {
            throw RuneError(.invalidArgument, "No help topic for '\(name)'")
        }
        let options = try GlobalOptions(global)
        code = try dispatch(command, Array(args.dropFirst()), options)
    } catch {
        fail((error as? RuneError) ?? RuneError(.failed, "\(error)"))
    }
    exit(code)
}

func dispatch(_ command: any Command.Type, _ args: [String], _ global: GlobalOptions) throws(RuneError) -> Int32 {
    let parsed = try ParsedArgs.parse(args, flags: command.flags + [.bool("help", "h", help: "show help")])
    if parsed.bool("help") {
        print(Help.command(command))
        return 0
    }
    if let n = command.arguments, parsed.positionals.count != n {
        throw RuneError(.invalidArgument, "\"\(command.name)\" requires exactly \(n) argument(s)")
    }
    return try command.run(parsed, global)
}

/// Reports an error as runc does: a log line (text on stderr, or JSON in --log) and exit status 1.
func fail(_ error: RuneError) -> Never {
    Log.error(error.message)
    if Log.fd != 2 {
        let line = Array("rune: \(error.message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
    exit(1)
}

func versionText() -> String {
    "rune version \(runeVersion)\nspec: 1.2.0\nenclave pal api: 1-3"
}
