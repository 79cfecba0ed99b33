import CRuneLinux
import Glibc
import RuneSystem

extension ProcessSecurity {
    /// Becomes `user`: sets the umask (0022 when unset, as runc), hands stdio to the new uid, then
    /// setgroups, setresgid and setresuid. Call it between `prepareCapabilities` and `finishCapabilities`
    /// so PR_SET_KEEPCAPS keeps the permitted set across the uid change.
    /// The corresponding system calls are `setgroups(2)`, `setresgid(2)` and `setresuid(2)`.
    public static func switchUser(_ user: ResolvedUser) throws(SecurityError) {
        _ = umask(mode_t(user.umask ?? 0o022))
        try fixStdioOwnership(uid: user.uid)
        if try setgroupsAllowed() {
            try checked("setgroups", "\(user.additionalGids)") {
                user.additionalGids.withUnsafeBufferPointer { rune_setgroups($0.count, $0.baseAddress) }
            }
        } else if !user.additionalGids.isEmpty {
            // An unprivileged user namespace denies setgroups (Linux 3.19+); runc refuses extra groups there too.
            throw .invalid(field: "process.user.additionalGids", reason: "cannot set additional groups: setgroups is denied in this user namespace")
        }
        try checked("setresgid", "\(user.gid)") { rune_setresgid(user.gid, user.gid, user.gid) }
        try checked("setresuid", "\(user.uid)") { rune_setresuid(user.uid, user.uid, user.uid) }
    }

    /// /proc/self/setgroups is "deny" inside a user namespace whose gid map was written without CAP_SETGID.
    private static func setgroupsAllowed() throws(SecurityError) -> Bool {
        guard let text = try readOptional("/proc/self/setgroups") else { return true }
        return !text.hasBytePrefix("deny")
    }

    /// Gives stdin/stdout/stderr to the new uid so a non-root process can use its console, as runc's
    /// fixStdioPermissions does: /dev/null is left alone, and EINVAL/EPERM/EROFS (unmapped owner, read-only /dev)
    /// are ignored because failing to chown stdio should not fail the container.
    /// The corresponding system call is `fchown(2)`.
    public static func fixStdioOwnership(uid: UInt32) throws(SecurityError) {
        var null = stat()
        try checked("stat", "/dev/null") { stat("/dev/null", &null) }
        for fd: Int32 in 0...2 {
            var st = stat()
            guard fstat(fd, &st) == 0 else { continue }  // a closed stdio fd has nothing to hand over
            let isNull = (st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == null.st_rdev
            if st.st_uid == uid || isNull { continue }
            if fchown(fd, uid, st.st_gid) != 0 {
                let err = Glibc.errno
                if err == EINVAL || err == EPERM || err == EROFS { continue }
                throw .system(SyscallError(name: "fchown", errno: err, context: "stdio fd \(fd)"))
            }
        }
    }
}
