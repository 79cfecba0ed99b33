import CRuneLinux
import Glibc
import OCISpec
import RuneSystem

extension ProcessSecurity {
    /// False for a profile with neither a default action nor rules, which runc treats as "no seccomp".
    public static func isSeccompEnabled(_ seccomp: LinuxSeccomp?) -> Bool {
        guard let seccomp else { return false }
        return !seccomp.defaultAction.isEmpty || !(seccomp.syscalls ?? []).isEmpty
    }

    /// The `seccomp(2)` flags for a profile: `linux.seccomp.flags` plus NEW_LISTENER when a rule uses SCMP_ACT_NOTIFY.
    /// TSYNC is dropped with NEW_LISTENER (the kernel refuses the pair; the init is single-threaded anyway).
    public static func seccompFlags(_ seccomp: LinuxSeccomp) throws(SecurityError) -> UInt32 {
        var flags: UInt32 = 0
        for (index, name) in (seccomp.flags ?? []).enumerated() {
            guard let bit = SeccompNames.flags[name] else {
                throw .invalid(field: "linux.seccomp.flags[\(index)]", reason: "unknown seccomp flag \"\(name)\"")
            }
            flags |= bit
        }
        if (seccomp.syscalls ?? []).contains(where: { $0.action == "SCMP_ACT_NOTIFY" }) {
            if (seccomp.listenerPath ?? "").isEmpty {
                throw .invalid(field: "linux.seccomp.listenerPath", reason: "required when a rule uses SCMP_ACT_NOTIFY")
            }
            flags = (flags & ~UInt32(RUNE_SECCOMP_FILTER_FLAG_TSYNC)) | UInt32(RUNE_SECCOMP_FILTER_FLAG_NEW_LISTENER)
        }
        return flags
    }

    /// Builds the BPF program for a profile: the expensive half of seccomp, for `rune create` on the host.
    /// With `cacheDir` (e.g. `<rune root>/seccomp-cache`) a program compiled before for the same profile, libseccomp
    /// and architecture is read back instead. Notify profiles are cached too: the listener fd comes from `seccomp(2)`
    /// at load time, not from the program. Validates the whole profile, so bad input fails here, before the init runs.
    public static func compileSeccomp(_ seccomp: LinuxSeccomp, cacheDir: String? = nil) throws(SecurityError) -> [UInt8] {
        _ = try seccompFlags(seccomp)
        guard let cacheDir else { return try program(seccomp) }
        let key = SeccompCache.key(seccomp)
        if let cached = SeccompCache.read(dir: cacheDir, key: key) { return cached }
        let bpf = try program(seccomp)
        try SeccompCache.write(dir: cacheDir, key: key, bpf: bpf)
        return bpf
    }

    /// Loads a compiled program into the calling thread, the cheap half, for the init. Without no_new_privs this needs
    /// CAP_SYS_ADMIN (see the order in `ProcessSecurity`). Returns the notify listener fd when `flags` has NEW_LISTENER.
    /// The corresponding system calls are `prctl(2)` (PR_SET_SECCOMP) without flags, `seccomp(2)` with them.
    public static func loadCompiled(_ bpf: [UInt8], flags: UInt32) throws(SecurityError) -> Int32? {
        let result = try checked("seccomp(SECCOMP_SET_MODE_FILTER)", "\(bpf.count / 8) instructions") {
            bpf.withUnsafeBytes { rune_seccomp_load_bpf(flags, $0.baseAddress, $0.count) }
        }
        return flags & UInt32(RUNE_SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0 ? result : nil
    }

    /// Builds and loads a profile in one step (no cache): the same path runc 1.1 takes, which also loads its own
    /// exported program. Returns the notify listener fd for the init to send to `listenerPath`, as runc does.
    public static func loadSeccomp(_ seccomp: LinuxSeccomp) throws(SecurityError) -> Int32? {
        guard isSeccompEnabled(seccomp) else { return nil }
        let flags = try seccompFlags(seccomp)
        return try loadCompiled(try program(seccomp), flags: flags)
    }

    /// libseccomp's program behind runc's -ENOSYS stub.
    private static func program(_ seccomp: LinuxSeccomp) throws(SecurityError) -> [UInt8] {
        let filter = try SeccompFilter(seccomp)
        return try SeccompEnosysStub.bytes(for: seccomp) + filter.exportBPF()
    }
}
