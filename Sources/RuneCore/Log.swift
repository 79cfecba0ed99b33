import Glibc

/// runc-style log lines: logrus text (`time="..." level=error msg="..."`) or JSON (`{"level","msg","time"}`),
/// to --log FILE or stderr. containerd reads the last JSON error line of the file.
public enum Log {
    public enum Format: String, Sendable { case text, json }

    nonisolated(unsafe) public static var fd: Int32 = 2
    nonisolated(unsafe) public static var format: Format = .text
    nonisolated(unsafe) public static var debugEnabled = false

    /// Opens the log file for appending, creating it (containerd expects it to exist).
    public static func open(path: String) {
        let f = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if f >= 0 { fd = f }
    }

    public static func error(_ message: String) { write(level: "error", message) }
    public static func warn(_ message: String) { write(level: "warning", message) }
    public static func debug(_ message: @autoclosure () -> String) { if debugEnabled { write(level: "debug", message()) } }

    /// Debug line with the monotonic time in microseconds, to see where an operation spends its time.
    public static func step(_ what: @autoclosure () -> String) {
        guard debugEnabled else { return }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        write(level: "debug", "[\(ts.tv_sec % 1000 * 1_000_000 + ts.tv_nsec / 1000)us] \(what())")
    }

    static func write(level: String, _ message: String) {
        let time = ProcessTable.logTimestamp()
        let line: String
        switch format {
        case .json: line = "{\"level\":\"\(level)\",\"msg\":\(quote(message)),\"time\":\"\(time)\"}\n"
        case .text: line = "time=\"\(time)\" level=\(level) msg=\(quote(message))\n"
        }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    /// A JSON string literal (also what logrus's text format uses for quoted values).
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
