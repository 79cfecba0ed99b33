import Glibc
import OCISpec
import RuneSystem

/// Facts about host processes read from /proc.
public enum ProcessTable {
    /// Start time (clock ticks since boot) of a process, or nil when it does not exist or is a zombie.
    public static func startTime(of pid: Int32) -> UInt64? {
        guard pid > 0, let stat = try? FileSystem.readString("/proc/" + String(decimal: pid) + "/stat") else { return nil }
        // The command name may hold spaces or ')': fields start after the last ')'.
        let bytes = stat.utf8
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[bytes.index(after: close)...].split(separator: UInt8(ascii: " "))
        // fields[0] is the state (field 3); start time is field 22.
        guard fields.count > 19, let state = fields[0].first, state != UInt8(ascii: "Z"), state != UInt8(ascii: "X") else {
            return nil
        }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }

    /// True while the process with this pid is the one that started at `startTime`.
    public static func isAlive(_ pid: Int32, startTime: UInt64) -> Bool {
        guard let now = Self.startTime(of: pid) else { return false }
        return now == startTime
    }

    /// The current time as RFC 3339 with nanoseconds, as Go prints `time.Time` in JSON. (Not gmtime_r:
    /// glibc reads /etc/localtime on its first use, which every short-lived rune process would pay.)
    public static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return RFC3339.format(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }

    /// Seconds-precision RFC 3339 time, as logrus prints it.
    public static func logTimestamp() -> String {
        let full = timestamp()
        guard let dot = full.firstIndex(of: ".") else { return full }
        return String(full[..<dot]) + "Z"
    }
}
