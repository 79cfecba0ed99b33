import Glibc
import RuneCore
import RuneSystem

struct PsCommand: Command {
    static let name = "ps"
    static let summary = "ps displays the processes running inside a container"
    static let usage = "[command options] <container-id> [ps options]"
    static let flags: [Flag] = [.value("format", "f", help: "select one of: table or json (default: \"table\")")]
    static let arguments: Int? = nil

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        guard let id = args.positionals.first else { throw RuneError(.invalidArgument, "\"ps\" requires a minimum of 1 argument") }
        let pids = try global.runtime().pids(id: id)
        switch args.string("format") ?? "table" {
        case "json":
            print("[" + pids.map(String.init).joined(separator: ",") + "]")
        case "table":
            print(table(pids))
        case let other:
            throw RuneError(.invalidArgument, "invalid format option: \(other)")
        }
        return 0
    }

    /// runc runs ps(1); we print the same PID/CMD columns from /proc so no ps binary is needed.
    static func table(_ pids: [Int32]) -> String {
        var lines = ["UID          PID    PPID CMD"]
        for pid in pids.sorted() {
            let status = (try? FileSystem.readString("/proc/\(pid)/status")) ?? ""
            func field(_ key: String) -> String {
                status.split(separator: "\n").first { $0.hasPrefix(key + ":") }?
                    .split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.map(String.init) ?? "?"
            }
            let cmdline = ((try? FileSystem.readBytes("/proc/\(pid)/cmdline")) ?? []).map { $0 == 0 ? 32 : $0 }
            let cmd = String(decoding: cmdline, as: UTF8.self).trimmingSuffixSpaces()
            lines.append("\(field("Uid").padding(8)) \(String(pid).padding(7)) \(field("PPid").padding(7)) \(cmd)")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func trimmingSuffixSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
