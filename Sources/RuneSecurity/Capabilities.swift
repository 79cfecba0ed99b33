import OCISpec

/// Linux capability names and numbers (linux/capability.h), as the runtime spec writes them.
public enum Capability {
    public static let names: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]

    public static func number(_ name: String) -> Int? { names.firstIndex(of: name) }

    /// Names of the capabilities set in `mask`, lowest first.
    public static func names(in mask: UInt64) -> [String] {
        (0..<min(64, names.count)).filter { mask & (1 << UInt64($0)) != 0 }.map { names[$0] }
    }
}

/// The five capability sets of `process.capabilities` as bit masks. A missing object or set is empty, as in runc.
public struct CapabilitySets: Sendable, Equatable {
    public var bounding: UInt64 = 0
    public var effective: UInt64 = 0
    public var inheritable: UInt64 = 0
    public var permitted: UInt64 = 0
    public var ambient: UInt64 = 0

    public init(bounding: UInt64 = 0, effective: UInt64 = 0, inheritable: UInt64 = 0, permitted: UInt64 = 0, ambient: UInt64 = 0) {
        self.bounding = bounding
        self.effective = effective
        self.inheritable = inheritable
        self.permitted = permitted
        self.ambient = ambient
    }

    /// Parses the spec's names. Unlike runc 1.1, which warns and ignores them, an unknown name is an error naming it.
    public init(_ caps: LinuxCapabilities?) throws(SecurityError) {
        bounding = try Self.mask(caps?.bounding, field: "bounding")
        effective = try Self.mask(caps?.effective, field: "effective")
        inheritable = try Self.mask(caps?.inheritable, field: "inheritable")
        permitted = try Self.mask(caps?.permitted, field: "permitted")
        ambient = try Self.mask(caps?.ambient, field: "ambient")
    }

    private static func mask(_ names: [String]?, field: String) throws(SecurityError) -> UInt64 {
        var mask: UInt64 = 0
        for name in names ?? [] {
            guard let bit = Capability.number(name) else {
                throw .invalid(field: "process.capabilities.\(field)", reason: "unknown capability \"\(name)\"")
            }
            mask |= 1 << UInt64(bit)
        }
        return mask
    }
}
