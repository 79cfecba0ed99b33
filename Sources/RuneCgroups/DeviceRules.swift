import OCISpec
import RuneSystem

/// Device cgroup rules: validation, the resulting allow/deny state, and the v1 writes that reach it.
enum DeviceRules {
    /// runc 1.1's default allow list, appended after the spec's rules when a container is created.
    static let defaultAllowed: [LinuxDeviceCgroup] = [
        rule("c", nil, nil, "m"), rule("b", nil, nil, "m"),
        rule("c", 1, 3, "rwm"), rule("c", 1, 8, "rwm"), rule("c", 1, 7, "rwm"), rule("c", 5, 0, "rwm"),
        rule("c", 1, 5, "rwm"), rule("c", 1, 9, "rwm"), rule("c", 136, nil, "rwm"), rule("c", 5, 2, "rwm"),
        rule("c", 10, 200, "rwm"),
    ]

    private static func rule(_ type: String, _ major: Int64?, _ minor: Int64?, _ access: String) -> LinuxDeviceCgroup {
        LinuxDeviceCgroup(allow: true, type: type, major: major, minor: minor, access: access)
    }

    /// One device: type a/b/c and major/minor, -1 meaning any.
    struct Device: Hashable, Comparable {
        var type: Character
        var major: Int64
        var minor: Int64

        static func < (a: Device, b: Device) -> Bool {
            (a.type, a.major, a.minor) < (b.type, b.major, b.minor)
        }

        var text: String {
            String(type) + " " + (major < 0 ? "*" : String(decimal: major)) + ":" + (minor < 0 ? "*" : String(decimal: minor))
        }
    }

    /// Access letters r, w, m as bits (a Set<Character> cost more than the rest of `create`).
    struct Access: OptionSet, Hashable {
        let rawValue: UInt8
        static let read = Access(rawValue: 1), write = Access(rawValue: 2), mknod = Access(rawValue: 4)

        init(rawValue: UInt8) { self.rawValue = rawValue }

        /// nil when a letter is not r, w or m.
        init?(letters: String) {
            var bits: UInt8 = 0
            for byte in letters.utf8 {
                switch byte {
                case UInt8(ascii: "r"): bits |= Access.read.rawValue
                case UInt8(ascii: "w"): bits |= Access.write.rawValue
                case UInt8(ascii: "m"): bits |= Access.mknod.rawValue
                default: return nil
                }
            }
            rawValue = bits
        }

        var text: String {
            (contains(.read) ? "r" : "") + (contains(.write) ? "w" : "") + (contains(.mknod) ? "m" : "")
        }
    }

    struct Rule: Equatable {
        var device: Device
        var access: Access
        var allow: Bool
    }

    /// Validates the spec's rules; every problem names its index in `linux.resources.devices`.
    static func parse(_ rules: [LinuxDeviceCgroup]) throws(CgroupError) -> [Rule] {
        var out: [Rule] = []
        for (index, rule) in rules.enumerated() {
            let field = "linux.resources.devices[" + String(decimal: index) + "]"
            let type = rule.type.flatMap { $0.isEmpty ? nil : $0 } ?? "a"
            guard type.count == 1, let kind = type.first, "abc".contains(kind) else {
                throw .invalid(field: field + ".type", reason: "\"\(type)\" is not one of a, b, c")
            }
            let letters = rule.access.flatMap { $0.isEmpty ? nil : $0 } ?? "rwm"
            guard let access = Access(letters: letters) else {
                throw .invalid(field: field + ".access", reason: "\"\(letters)\" is not a combination of r, w, m")
            }
            for (name, value) in [("major", rule.major), ("minor", rule.minor)] where (value ?? -1) < -1 {
                throw .invalid(field: field + "." + name, reason: "\(value!) is negative")
            }
            out.append(Rule(device: Device(type: kind, major: rule.major ?? -1, minor: rule.minor ?? -1),
                            access: access, allow: rule.allow))
        }
        return out
    }

    /// What the rules leave in place: a default (allow or deny everything) and exceptions to it.
    struct State: Equatable {
        var defaultAllow = true
        var exceptions: [Device: Access] = [:]

        mutating func apply(_ rule: Rule) {
            if rule.device.type == "a" {
                // "a" resets the cgroup to allow-all or deny-all, whatever the access letters.
                defaultAllow = rule.allow
                exceptions = [:]
            } else if rule.allow == defaultAllow {
                var access = exceptions[rule.device] ?? []
                access.subtract(rule.access)
                exceptions[rule.device] = access.isEmpty ? nil : access
            } else {
                exceptions[rule.device, default: []].formUnion(rule.access)
            }
        }

        /// The lines of devices.list in the kernel's format, sorted like the kernel's v1 list.
        var lines: [String] {
            exceptions.keys.sorted().map { "\($0.text) \(accessText(exceptions[$0]!))" }
        }
    }

    static func accessText(_ access: Access) -> String { access.text }

    static func state(of rules: [Rule]) -> State {
        var state = State()
        for rule in rules { state.apply(rule) }
        return state
    }

    /// The v1 writes: nothing when devices.list already shows the target (so `update` does not
    /// blink device access); otherwise a reset with "a" and then each exception in sorted order.
    static func legacyWrites(for target: State, currentList: String?) -> [(file: String, value: String)] {
        // An allow-all list with deny exceptions still reads "a *:* rwm", so only these two are checkable.
        let checkable = !target.defaultAllow || target.exceptions.isEmpty
        if checkable, let currentList {
            let current = currentList.split(separator: "\n").map(String.init).sorted()
            let expected = target.defaultAllow ? ["a *:* rwm"] : target.lines.sorted()
            if current == expected { return [] }
        }
        let reset = target.defaultAllow ? "devices.allow" : "devices.deny"
        let exception = target.defaultAllow ? "devices.deny" : "devices.allow"
        var writes = [(file: reset, value: "a *:* rwm")]
        for line in target.lines { writes.append((file: exception, value: line)) }
        return writes
    }

    static func applyLegacy(_ rules: [Rule], dir: String) throws(CgroupError) {
        let writes = legacyWrites(for: state(of: rules), currentList: CgroupFiles.readTrimmed(dir + "/devices.list"))
        for write in writes { try CgroupFiles.write(dir + "/" + write.file, write.value) }
    }
}
