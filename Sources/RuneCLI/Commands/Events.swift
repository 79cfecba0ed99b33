import Glibc
import RuneCore

struct EventsCommand: Command {
    static let name = "events"
    static let summary = "display container events such as OOM notifications, cpu, memory, and IO usage statistics"
    static let usage = "[command options] <container-id>"
    static let flags: [Flag] = [
        .value("interval", help: "set the stats collection interval (default: 5s)"),
        .bool("stats", help: "display the container's stats then exit"),
    ]

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        let runtime = try global.runtime()
        let id = args.positionals[0]
        if args.bool("stats") {
            print(try runtime.statsEvent(id: id))
            return 0
        }
        let interval = parseSeconds(args.string("interval") ?? "5s")
        var lastOOM = try runtime.oomCount(id: id)
        var elapsed = 0.0
        while true {
            usleep(200_000)
            elapsed += 0.2
            guard let count = try? runtime.oomCount(id: id) else { return 0 }
            if count > lastOOM {
                print("{\"type\":\"oom\",\"id\":\(Log.quote(id))}")
                lastOOM = count
            }
            if elapsed >= interval {
                elapsed = 0
                guard let stats = try? runtime.statsEvent(id: id) else { return 0 }
                print(stats)
            }
            fflush(nil)
        }
    }

    static func parseSeconds(_ text: String) -> Double {
        if text.hasSuffix("ms"), let v = Double(text.dropLast(2)) { return v / 1000 }
        if text.hasSuffix("s"), let v = Double(text.dropLast()) { return v }
        if text.hasSuffix("m"), let v = Double(text.dropLast()) { return v * 60 }
        return Double(text) ?? 5
    }
}
