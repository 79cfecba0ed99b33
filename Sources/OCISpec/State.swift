// Container state documents: the runtime-spec `State` (what hooks read on stdin) and `RuncState`,
// the shape `runc state` prints, which `rune state` copies field for field.

import RuneSystem

/// runtime-spec state (specs-go/state.go). `pid` is omitted when 0, like Go's omitempty.
public struct State: Codable, Sendable, Equatable {
    public var ociVersion: String
    public var id: String
    public var status: String
    public var pid: Int?
    public var bundle: String
    public var annotations: [String: String]?

    /// The statuses the spec defines; runc adds "paused", which `RuncState` may carry.
    public static let knownStatuses: [String] = ["creating", "created", "running", "stopped"]

    public init(
        ociVersion: String = Spec.version, id: String = "", status: String = "", pid: Int? = nil,
        bundle: String = "", annotations: [String: String]? = nil
    ) {
        self.ociVersion = ociVersion
        self.id = id
        self.status = status
        self.pid = pid
        self.bundle = bundle
        self.annotations = annotations
    }

    /// Compact JSON, as runc writes it to hook stdin.
    public func encodeForHook() -> String { OCIJSON.encode(self) }
}

/// `runc state` output: ociVersion, id, pid, status, bundle, rootfs, created, annotations (only when
/// non-empty), owner. `pid` is always present (0 once stopped); `created` is RFC 3339 with nanoseconds.
public struct RuncState: Codable, Sendable, Equatable {
    public var ociVersion: String
    public var id: String
    public var pid: Int
    public var status: String
    public var bundle: String
    public var rootfs: String
    public var created: String
    public var annotations: [String: String]?
    public var owner: String

    public init(
        ociVersion: String = Spec.version, id: String = "", pid: Int = 0, status: String = "", bundle: String = "",
        rootfs: String = "", created: String = "", annotations: [String: String]? = nil, owner: String = ""
    ) {
        self.ociVersion = ociVersion
        self.id = id
        self.pid = pid
        self.status = status
        self.bundle = bundle
        self.rootfs = rootfs
        self.created = created
        self.annotations = annotations
        self.owner = owner
    }

    /// What `runc state` prints: two-space indentation, runc's key order, no trailing newline.
    public func encodeForStateCommand() -> String { OCIJSON.encode(self, indent: "  ") }

    /// What `runc list --format json` prints: one compact array and a newline; `null` when there are
    /// no containers (Go's nil slice). runc fills `owner` with the user name here but leaves it "" in `state`.
    public static func encodeForListCommand(_ states: [RuncState]) -> String {
        (states.isEmpty ? "null" : OCIJSON.encode(states)) + "\n"
    }

    /// The hook/runtime-spec view of this state.
    public var specState: State {
        State(ociVersion: ociVersion, id: id, status: status, pid: pid == 0 ? nil : pid, bundle: bundle,
              annotations: annotations)
    }
}

/// Timestamps in Go's time.RFC3339Nano form, without Foundation's date formatters (they pull in ICU).
public enum RFC3339 {
    /// UTC `2026-11-29T08:56:47.711545829Z`; trailing zeros of the fraction are dropped, as Go does.
    public static func format(seconds: Int64, nanoseconds: Int64 = 0) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text = String(decimal: year, width: 4) + "-" + String(decimal: month, width: 2) + "-"
            + String(decimal: day, width: 2) + "T" + String(decimal: secondOfDay / 3600, width: 2) + ":"
            + String(decimal: secondOfDay / 60 % 60, width: 2) + ":" + String(decimal: secondOfDay % 60, width: 2)
        var fraction = nanoseconds % 1_000_000_000
        if fraction > 0 {
            var digits = 9
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            text += "." + String(decimal: fraction, width: digits)
        }
        return text + "Z"
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
