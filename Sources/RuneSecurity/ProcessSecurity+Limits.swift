import CRuneLinux
import Glibc
import OCISpec
import RuneSystem

extension ProcessSecurity {
    /// RLIMIT_* names of the runtime spec and their resource numbers (asm-generic/resource.h, as on x86 and arm64).
    public static let rlimitResources: [String: Int32] = [
        "RLIMIT_CPU": 0, "RLIMIT_FSIZE": 1, "RLIMIT_DATA": 2, "RLIMIT_STACK": 3, "RLIMIT_CORE": 4, "RLIMIT_RSS": 5,
        "RLIMIT_NPROC": 6, "RLIMIT_NOFILE": 7, "RLIMIT_MEMLOCK": 8, "RLIMIT_AS": 9, "RLIMIT_LOCKS": 10,
        "RLIMIT_SIGPENDING": 11, "RLIMIT_MSGQUEUE": 12, "RLIMIT_NICE": 13, "RLIMIT_RTPRIO": 14, "RLIMIT_RTTIME": 15,
    ]

    /// Checks `process.rlimits` without applying it (for `rune create`, before anything exists):
    /// an unknown type, a type given twice, or soft above hard is an error naming the entry.
    public static func validateRlimits(_ rlimits: [POSIXRlimit]?) throws(SecurityError) {
        var seen: Set<String> = []
        for (index, limit) in (rlimits ?? []).enumerated() {
            let field = "process.rlimits[" + String(decimal: index) + "]"
            guard rlimitResources[limit.type] != nil else { throw .invalid(field: field + ".type", reason: "unknown rlimit \"\(limit.type)\"") }
            guard seen.insert(limit.type).inserted else { throw .invalid(field: field + ".type", reason: "duplicate rlimit \"\(limit.type)\"") }
            if limit.soft > limit.hard {
                throw .invalid(field: field, reason: "\(limit.type) soft limit \(limit.soft) is above the hard limit \(limit.hard)")
            }
        }
    }

    /// Applies `process.rlimits` to process `pid` (0: the caller). The init can apply its own before the user switch,
    /// and the exec'd program inherits them; runc instead sets them from the host with prlimit once the init is
    /// ready, because inside a new user namespace raising a limit is refused. Raising a hard limit needs
    /// CAP_SYS_RESOURCE; the error names the rlimit. The corresponding system call is `prlimit(2)`.
    public static func applyRlimits(_ rlimits: [POSIXRlimit]?, pid: pid_t = 0) throws(SecurityError) {
        try validateRlimits(rlimits)
        for limit in rlimits ?? [] {
            let resource = rlimitResources[limit.type]!
            try checked("prlimit", "\(limit.type) soft \(limit.soft) hard \(limit.hard)") { rune_prlimit(pid, resource, limit.soft, limit.hard) }
        }
    }

    /// Sets no_new_privs: execve can no longer grant privileges (setuid bits, file capabilities), and seccomp
    /// filters can be loaded without CAP_SYS_ADMIN. The corresponding system call is `prctl(2)` (PR_SET_NO_NEW_PRIVS).
    public static func setNoNewPrivileges() throws(SecurityError) {
        try checked("prctl(PR_SET_NO_NEW_PRIVS)") { rune_prctl(Int32(RUNE_PR_SET_NO_NEW_PRIVS), 1, 0, 0, 0) }
    }
}
