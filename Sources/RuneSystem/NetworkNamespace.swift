import CRuneLinux
import Glibc

/// Network namespaces made on behalf of another process.
public enum NetworkNamespace {
    /// Makes a new network namespace and returns an fd on it (close-on-exec) for another process to
    /// join with setns. The calling thread is back in its own network namespace when this returns.
    public static func makeDetached() throws(SyscallError) -> Int32 {
        let own = try Syscall.check("open", "/proc/thread-self/ns/net") { open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC) }
        defer { close(own) }
        try Syscall.check("unshare", "CLONE_NEWNET") { rune_unshare(Int32(RUNE_CLONE_NEWNET)) }
        let made: Int32
        do {
            made = try Syscall.check("open", "/proc/thread-self/ns/net") { open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC) }
        } catch {
            _ = rune_setns(own, Int32(RUNE_CLONE_NEWNET))
            throw error
        }
        do {
            try Syscall.check("setns", "/proc/thread-self/ns/net") { rune_setns(own, Int32(RUNE_CLONE_NEWNET)) }
        } catch {
            close(made)
            throw error
        }
        return made
    }
}
