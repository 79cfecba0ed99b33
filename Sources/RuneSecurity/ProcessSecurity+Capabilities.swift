import CRuneLinux
import Glibc
import RuneSystem

extension ProcessSecurity {
    /// First half of runc's finalizeNamespace: drops every capability outside `caps.bounding` from the bounding set
    /// (needs CAP_SETPCAP, so before the user switch), then sets PR_SET_KEEPCAPS so `switchUser` keeps the permitted set.
    /// The corresponding system call is `prctl(2)` (PR_CAPBSET_DROP, PR_SET_KEEPCAPS).
    public static func prepareCapabilities(_ caps: CapabilitySets) throws(SecurityError) {
        for cap in 0...lastCapability() where caps.bounding & (1 << UInt64(cap)) == 0 {
            if rune_prctl(Int32(RUNE_PR_CAPBSET_DROP), UInt(cap), 0, 0, 0) == 0 { continue }
            // Without CAP_SETPCAP only a capability that is already gone may be "dropped".
            let err = Glibc.errno
            if err == EPERM && rune_prctl(Int32(RUNE_PR_CAPBSET_READ), UInt(cap), 0, 0, 0) == 0 { continue }
            throw .system(SyscallError(name: "prctl(PR_CAPBSET_DROP)", errno: err, context: capabilityName(cap)))
        }
        try checked("prctl(PR_SET_KEEPCAPS)") { rune_prctl(Int32(RUNE_PR_SET_KEEPCAPS), 1, 0, 0, 0) }
    }

    /// Second half, after `switchUser`: clears keep-caps, sets effective/permitted/inheritable with capset and
    /// raises the ambient set. Capabilities this kernel does not have are skipped, as runc does. An ambient
    /// capability missing from permitted or inheritable is skipped too: the kernel refuses it and runc 1.1 ignores
    /// that refusal (its default spec asks for ambient caps without inheritable ones).
    /// The corresponding system calls are `capset(2)` and `prctl(2)` (PR_CAP_AMBIENT).
    public static func finishCapabilities(_ caps: CapabilitySets) throws(SecurityError) {
        try checked("prctl(PR_SET_KEEPCAPS)") { rune_prctl(Int32(RUNE_PR_SET_KEEPCAPS), 0, 0, 0, 0) }
        let last = lastCapability()
        let known: UInt64 = last >= 63 ? ~0 : (1 << UInt64(last + 1)) - 1
        try setCapabilities(effective: caps.effective & known, permitted: caps.permitted & known, inheritable: caps.inheritable & known)
        // EINVAL: no ambient capabilities before Linux 4.3, nothing to clear.
        if rune_prctl(Int32(RUNE_PR_CAP_AMBIENT), UInt(RUNE_PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0) != 0 && Glibc.errno != EINVAL {
            throw .system(SyscallError(name: "prctl(PR_CAP_AMBIENT_CLEAR_ALL)", errno: Glibc.errno))
        }
        let raisable = caps.ambient & caps.permitted & caps.inheritable & known
        for cap in 0...last where raisable & (1 << UInt64(cap)) != 0 {
            try checked("prctl(PR_CAP_AMBIENT_RAISE)", capabilityName(cap)) {
                rune_prctl(Int32(RUNE_PR_CAP_AMBIENT), UInt(RUNE_PR_CAP_AMBIENT_RAISE), UInt(cap), 0, 0)
            }
        }
    }

    private static func setCapabilities(effective: UInt64, permitted: UInt64, inheritable: UInt64) throws(SecurityError) {
        var eff = halves(effective), prm = halves(permitted), inh = halves(inheritable)
        if rune_capset(&eff, &prm, &inh) == 0 { return }
        let err = Glibc.errno
        let held = currentPermitted()
        let missing = (effective | permitted) & ~held
        if err == EPERM && missing != 0 {
            let names = Capability.names(in: missing).joined(separator: ", ")
            throw .invalid(field: "process.capabilities", reason: "rune does not hold \(names), so the container cannot get it")
        }
        throw .system(SyscallError(name: "capset", errno: err))
    }

    /// The calling thread's permitted set. The corresponding system call is `capget(2)`.
    public static func currentPermitted() -> UInt64 {
        var eff: [UInt32] = [0, 0], prm: [UInt32] = [0, 0], inh: [UInt32] = [0, 0]
        guard rune_capget(&eff, &prm, &inh) == 0 else { return 0 }
        return UInt64(prm[0]) | UInt64(prm[1]) << 32
    }

    /// The highest capability number this kernel knows: PR_CAPBSET_READ fails with EINVAL past it,
    /// which works before /proc is mounted (unlike /proc/sys/kernel/cap_last_cap).
    static func lastCapability() -> Int {
        if let known = knownLastCapability { return known }
        var low = 0, high = 63  // CAP_CHOWN (0) always exists; find the last valid number by bisection.
        while low < high {
            let middle = (low + high + 1) / 2
            if rune_prctl(Int32(RUNE_PR_CAPBSET_READ), UInt(middle), 0, 0, 0) >= 0 { low = middle } else { high = middle - 1 }
        }
        knownLastCapability = low
        return low
    }

    nonisolated(unsafe) private static var knownLastCapability: Int?

    private static func capabilityName(_ cap: Int) -> String {
        cap < Capability.names.count ? Capability.names[cap] : "capability \(cap)"
    }

    private static func halves(_ mask: UInt64) -> [UInt32] { [UInt32(truncatingIfNeeded: mask), UInt32(truncatingIfNeeded: mask >> 32)] }
}
