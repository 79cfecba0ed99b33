import Glibc
import RuneSystem

/// Facts about host processes read from /proc.
public enum ProcessTable {
    /// Start time (clock ticks since boot) of a process, or nil when it does not exist or is a zombie.
    public static func startTime(of pid: Int32) -> UInt64? {
        guard pid > 0, let stat = try? FileSystem.readString("/proc/\(pid)/stat") else { return nil }
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

    /// The current time as RFC 3339 with nanoseconds, as Go prints `time.Time` in JSON.
    public static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let tm = civilTime(ts.tv_sec)
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

    /// UTC calendar fields of a Unix time. Computed here because glibc's gmtime_r reads /etc/localtime
    /// on first use, which every short-lived rune process would pay for nothing.
    static func civilTime(_ seconds: Int) -> tm {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        // Days to year/month/day in the proleptic Gregorian calendar (eras of 400 years from 0000-03-01).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var out = tm()
        out.tm_year = Int32(year - 1900)
        out.tm_mon = Int32(month - 1)
        out.tm_mday = Int32(day)
        out.tm_hour = Int32(secondOfDay / 3600)
        out.tm_min = Int32(secondOfDay / 60 % 60)
        out.tm_sec = Int32(secondOfDay % 60)
        return out
    }

    /// Seconds-precision RFC 3339 time, as logrus prints it.
    public static func logTimestamp() -> String {
        let full = timestamp()
        guard let dot = full.firstIndex(of: ".") else { return full }
        return String(full[..<dot]) + "Z"
    }
}
