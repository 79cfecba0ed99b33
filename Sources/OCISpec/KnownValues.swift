// Names the runtime understands, used by `validate` and by `rune features`. Numbers are the Linux
// ABI values (x86_64/aarch64), so RuneCore can apply a name without another table.

extension LinuxCapabilities {
    /// Every Linux capability, in kernel order; the index is the capability number.
    public static let known: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]

    /// The capability number for a name such as "CAP_KILL", or nil if unknown.
    public static func number(of name: String) -> Int? { known.firstIndex(of: name) }

    /// The five sets with their JSON names, for checks that treat them alike.
    public var namedSets: [(name: String, capabilities: [String]?)] {
        [("bounding", bounding), ("effective", effective), ("inheritable", inheritable),
         ("permitted", permitted), ("ambient", ambient)]
    }
}

extension POSIXRlimit {
    /// Resource names and their RLIMIT_* numbers.
    public static let knownTypes: [String: Int32] = [
        "RLIMIT_CPU": 0, "RLIMIT_FSIZE": 1, "RLIMIT_DATA": 2, "RLIMIT_STACK": 3, "RLIMIT_CORE": 4, "RLIMIT_RSS": 5,
        "RLIMIT_NPROC": 6, "RLIMIT_NOFILE": 7, "RLIMIT_MEMLOCK": 8, "RLIMIT_AS": 9, "RLIMIT_LOCKS": 10,
        "RLIMIT_SIGPENDING": 11, "RLIMIT_MSGQUEUE": 12, "RLIMIT_NICE": 13, "RLIMIT_RTPRIO": 14, "RLIMIT_RTTIME": 15,
    ]
}

extension LinuxNamespace {
    /// Namespace types of runtime-spec v1.2, in the order `runc features` lists them (plus time).
    public static let knownTypes: [String] = ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"]
}

extension LinuxSeccomp {
    public static let knownActions: [String] = [
        "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
        "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
    ]
    public static let knownOperators: [String] = [
        "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
    ]
    /// Architectures named by runtime-spec v1.2.1 (libseccomp 2.5.4 knows all but LoongArch, M68K and SuperH).
    public static let knownArchitectures: [String] = [
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
        "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
        "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", "SCMP_ARCH_X32",
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64",
    ]
    /// The subset libseccomp 2.5.4 (Debian 12) can load, which `rune features` reports.
    public static let libseccompArchitectures: [String] = knownArchitectures.filter {
        !["SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB"].contains($0)
    }
    public static let knownFlags: [String] = [
        "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    ]
}

extension Linux {
    /// Accepted `rootfsPropagation` values; empty means the runtime default (rprivate).
    public static let knownRootfsPropagations: [String] = [
        "", "private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable",
    ]
}

extension Scheduler {
    public static let knownPolicies: [String] = [
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE",
    ]
    public static let knownFlags: [String] = [
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
    ]
}

extension LinuxIOPriority {
    public static let knownClasses: [String] = ["IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"]
}

extension LinuxPersonality {
    public static let knownDomains: [String] = ["LINUX", "LINUX32"]
}
