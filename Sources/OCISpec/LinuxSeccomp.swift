// `linux.seccomp` (runtime-spec v1.2; see Spec.swift for the conventions). Actions, operators,
// architectures and flags stay Strings; `validate` checks them against the lists in KnownValues.swift.

public struct LinuxSeccomp: Codable, Sendable, Equatable {
    public var defaultAction: String
    public var defaultErrnoRet: UInt?
    public var architectures: [String]?
    public var flags: [String]?
    public var listenerPath: String?
    public var listenerMetadata: String?
    public var syscalls: [LinuxSyscall]?

    public init(
        defaultAction: String = "", defaultErrnoRet: UInt? = nil, architectures: [String]? = nil,
        flags: [String]? = nil, listenerPath: String? = nil, listenerMetadata: String? = nil,
        syscalls: [LinuxSyscall]? = nil
    ) {
        self.defaultAction = defaultAction
        self.defaultErrnoRet = defaultErrnoRet
        self.architectures = architectures
        self.flags = flags
        self.listenerPath = listenerPath
        self.listenerMetadata = listenerMetadata
        self.syscalls = syscalls
    }
}

/// A rule: the action for the named syscalls, optionally only when the argument conditions hold.
public struct LinuxSyscall: Codable, Sendable, Equatable {
    public var names: [String]
    public var action: String
    public var errnoRet: UInt?
    public var args: [LinuxSeccompArg]?

    public init(names: [String] = [], action: String = "", errnoRet: UInt? = nil, args: [LinuxSeccompArg]? = nil) {
        self.names = names
        self.action = action
        self.errnoRet = errnoRet
        self.args = args
    }
}

/// A condition on syscall argument `index` (0...5); `op` is `SCMP_CMP_EQ`, ...
public struct LinuxSeccompArg: Codable, Sendable, Equatable {
    public var index: UInt
    public var value: UInt64
    public var valueTwo: UInt64?
    public var op: String

    public init(index: UInt = 0, value: UInt64 = 0, valueTwo: UInt64? = nil, op: String = "") {
        self.index = index
        self.value = value
        self.valueTwo = valueTwo
        self.op = op
    }
}
