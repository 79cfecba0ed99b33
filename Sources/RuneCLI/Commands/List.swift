import RuneCore

struct ListCommand: Command {
    static let name = "list"
    static let summary = "lists containers started by rune with the given root"
    static let usage = "[command options]"
    static let flags: [Flag] = [
        .value("format", "f", help: "select one of: table or json (default: \"table\")"),
        .bool("quiet", "q", help: "display only container IDs"),
    ]
    static let arguments: Int? = 0

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        let all = try global.runtime().list()
        if args.bool("quiet") {
            for c in all { print(c.id) }
            return 0
        }
        switch args.string("format") ?? "table" {
        case "json": print("[" + all.map { $0.listJSON() }.joined(separator: ",") + "]")
        case "table": print(table(all))
        case let other: throw RuneError(.invalidArgument, "invalid format option: \(other)")
        }
        return 0
    }

    /// Columns padded as Go's tabwriter does for runc (min width 12, padding 1... aligned to the widest cell + 3).
    static func table(_ all: [ContainerSummary]) -> String {
        let rows = [["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"]]
            + all.map { [$0.id, String($0.pid), $0.status.rawValue, $0.bundle, $0.created, $0.owner] }
        var widths = [Int](repeating: 0, count: 6)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(widths[i] + 2) }.joined()
        }.joined(separator: "\n")
    }
}
