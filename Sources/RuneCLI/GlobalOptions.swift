import Glibc
import RuneCore
import RuneEnclave

/// Flags that come before the subcommand, as runc's.
struct GlobalOptions {
    static let flags: [Flag] = [
        .value("root", help: "root directory for storage of container state (default \"/run/rune\")"),
        .value("log", help: "set the log file to write rune logs to (default is stderr)"),
        .value("log-format", help: "set the log format ('text' (default), or 'json')"),
        .bool("debug", help: "enable debug logging"),
        .bool("systemd-cgroup", help: "enable systemd cgroup support (not supported yet)"),
        .value("rootless", help: "ignore cgroup permission errors ('true', 'false', or 'auto')"),
        .value("criu", help: "accepted for compatibility; checkpointing is not supported"),
        .bool("help", "h", help: "show help"),
        .bool("version", "v", help: "print the version"),
    ]

    var root = "/run/rune"
    var systemdCgroup = false
    var debug = false
    var rootless = false

    init(_ parsed: ParsedArgs) throws(RuneError) {
        // As runc: unprivileged users keep state under $XDG_RUNTIME_DIR/rune.
        if geteuid() != 0, let xdg = getenv("XDG_RUNTIME_DIR") { root = String(cString: xdg) + "/rune" }
        if let root = parsed.string("root") { self.root = root }
        switch parsed.string("rootless") ?? "auto" {
        case "true": rootless = true
        case "false": rootless = false
        case "auto": rootless = geteuid() != 0
        case let other: throw RuneError(.invalidArgument, "invalid --rootless value \"\(other)\" (want true, false or auto)")
        }
        debug = parsed.bool("debug")
        systemdCgroup = parsed.bool("systemd-cgroup")
        if let format = parsed.string("log-format") {
            guard let f = Log.Format(rawValue: format) else { throw RuneError(.invalidArgument, "invalid log-format: \(format)") }
            Log.format = f
        }
        if let path = parsed.string("log") { Log.open(path: path) }
        Log.debugEnabled = debug
    }

    func runtime() throws(RuneError) -> Runtime {
        if systemdCgroup { throw RuneError(.unsupported, "systemd cgroup driver is not supported yet (drop --systemd-cgroup)") }
        var runtime = Runtime(root: root)
        runtime.rootless = rootless
        EnclaveSupport.install(into: &runtime)
        return runtime
    }
}
