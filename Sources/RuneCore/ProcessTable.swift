import Glibc
import RuneSystem

/// Facts about host processes read from /proc.
public enum ProcessTable {
    /// Start time (clock ticks since boot) of a process, or nil when it does not exist or is a zombie.
    public static func startTime(of pid: Int32) -> UInt64? {
        guard pid > 0, let stat = try? FileSystem.readString("/proc/\(pid)/stat") else { return nil }
        // The command name may hold spaces or ')': fields start after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); start time is field 22.
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return UInt64(fields[19])
    }

    /// True while the process with this pid is the one that started at `startTime`.
    public static func isAlive(_ pid: Int32, startTime: UInt64) -> Bool {
        guard let now = Self.startTime(of: pid) else { return false }
        return now == startTime
    }

    /// The current time as RFC 3339 with nanoseconds, as Go prints `time.Time` in JSON.
    public static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tm = tm()
        gmtime_r(&t, &tm)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let date = "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))"
        let time = "\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2))"
        var nanos = pad(Int32(ts.tv_nsec), 9)
        while nanos.hasSuffix("0") { nanos.removeLast() }
        return "\(date)T\(time)\(nanos.isEmpty ? "" : "." + nanos)Z"
    }

    /// Seconds-precision RFC 3339 time, as logrus prints it.
    public static func logTimestamp() -> String {
        let full = timestamp()
        guard let dot = full.firstIndex(of: ".") else { return full }
        return String(full[..<dot]) + "Z"
    }
}
