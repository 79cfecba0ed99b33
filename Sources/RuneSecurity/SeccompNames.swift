import CRuneLinux
import CSeccomp
import Glibc
import OCISpec
import RuneSystem

/// The runtime spec's seccomp strings and their libseccomp values.
enum SeccompNames {
    static func action(_ name: String, errnoRet: UInt?, field: String) throws(SecurityError) -> UInt32 {
        // As runc: ERRNO and TRACE without errnoRet return EPERM; errnoRet on other actions is ignored.
        let code = UInt16(truncatingIfNeeded: errnoRet ?? UInt(EPERM))
        switch name {
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD": return SCMP_ACT_KILL_THREAD
        case "SCMP_ACT_KILL_PROCESS": return SCMP_ACT_KILL_PROCESS
        case "SCMP_ACT_TRAP": return SCMP_ACT_TRAP
        case "SCMP_ACT_ERRNO": return rune_scmp_act_errno(code)
        case "SCMP_ACT_TRACE": return rune_scmp_act_trace(code)
        case "SCMP_ACT_LOG": return SCMP_ACT_LOG
        case "SCMP_ACT_ALLOW": return SCMP_ACT_ALLOW
        case "SCMP_ACT_NOTIFY": return SCMP_ACT_NOTIFY
        default: throw .invalid(field: field, reason: "unknown seccomp action \"\(name)\"")
        }
    }

    /// `SCMP_ARCH_X86_64` → libseccomp's "x86_64" token.
    static func architecture(_ name: String, field: String) throws(SecurityError) -> UInt32 {
        let prefix = "SCMP_ARCH_"
        let token = name.hasBytePrefix(prefix) ? seccomp_arch_resolve_name(String(name.dropFirst(prefix.count)).lowercased()) : 0
        if token == 0 { throw .invalid(field: field, reason: "unknown seccomp architecture \"\(name)\"") }
        return token
    }

    static let operators: [String: scmp_compare] = [
        "SCMP_CMP_NE": SCMP_CMP_NE, "SCMP_CMP_LT": SCMP_CMP_LT, "SCMP_CMP_LE": SCMP_CMP_LE, "SCMP_CMP_EQ": SCMP_CMP_EQ,
        "SCMP_CMP_GE": SCMP_CMP_GE, "SCMP_CMP_GT": SCMP_CMP_GT, "SCMP_CMP_MASKED_EQ": SCMP_CMP_MASKED_EQ,
    ]

    static func condition(_ arg: LinuxSeccompArg, field: String) throws(SecurityError) -> scmp_arg_cmp {
        guard let op = operators[arg.op] else { throw .invalid(field: field + ".op", reason: "unknown seccomp operator \"\(arg.op)\"") }
        guard arg.index < 6 else { throw .invalid(field: field + ".index", reason: "argument index \(arg.index) is not below 6") }
        // MASKED_EQ compares (arg & value) == valueTwo; the others use value only.
        return scmp_arg_cmp(arg: UInt32(arg.index), op: op, datum_a: arg.value, datum_b: arg.valueTwo ?? 0)
    }

    static let flags: [String: UInt32] = [
        "SECCOMP_FILTER_FLAG_TSYNC": UInt32(RUNE_SECCOMP_FILTER_FLAG_TSYNC),
        "SECCOMP_FILTER_FLAG_LOG": UInt32(RUNE_SECCOMP_FILTER_FLAG_LOG),
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW": UInt32(RUNE_SECCOMP_FILTER_FLAG_SPEC_ALLOW),
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV": UInt32(RUNE_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
    ]
}
