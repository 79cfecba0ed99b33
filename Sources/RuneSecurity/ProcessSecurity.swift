/// The process-hardening steps of rune's container init, applied after pivot_root in runc 1.1's order
/// (libcontainer/standard_init_linux.go, finalizeNamespace in init_linux.go):
///
/// 1. `resolveUser` (reads the container's /etc files); `applyRlimits` (or from the host: `applyRlimits(_:pid:)`)
/// 2. `setNoNewPrivileges` if `process.noNewPrivileges`
/// 3. `loadCompiled` / `loadSeccomp` here when no_new_privs is off: loading then needs CAP_SYS_ADMIN
/// 4. `prepareCapabilities` (bounding set, keep caps), `switchUser`, `finishCapabilities`
/// 5. `loadCompiled` / `loadSeccomp` here, as close to exec as possible, when no_new_privs is on
///
/// Seccomp is split so the costly part runs on the host: `compileSeccomp` in `rune create` (validates, builds,
/// caches), `loadCompiled` in the init. A notify listener fd goes back to the host, which calls `sendSeccompListener`.
public enum ProcessSecurity {}

/// The user a container process runs as, after looking it up in the container's /etc/passwd and /etc/group.
public struct ResolvedUser: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups: the user's groups in /etc/group when looked up by name, then `additionalGids`.
    public var additionalGids: [UInt32]
    /// The passwd home directory, "/" when there is none; the init sets HOME to it when the env has no HOME.
    public var home: String
    public var umask: UInt32?

    public init(uid: UInt32, gid: UInt32, additionalGids: [UInt32] = [], home: String = "/", umask: UInt32? = nil) {
        self.uid = uid
        self.gid = gid
        self.additionalGids = additionalGids
        self.home = home
        self.umask = umask
    }
}
