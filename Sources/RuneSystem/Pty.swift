import CRuneLinux
import Glibc

/// Pseudo-terminals: the container's console (in the init) and `rune exec -t` into an enclave (on the host).
public enum Pty {
    /// Opens a new pty pair from /dev/ptmx; the slave is opened by its path, which callers may bind-mount.
    public static func openPair() throws(SyscallError) -> (master: Int32, slave: Int32, slavePath: String) {
        let master = try Syscall.check("open", "/dev/ptmx") { open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC) }
        do {
            var name = [CChar](repeating: 0, count: 128)
            try Syscall.check("ptsname", "/dev/ptmx") { rune_pty_slave_name(master, &name, name.count) }
            let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let slave = try Syscall.check("open", slavePath) { open(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC) }
            return (master, slave, slavePath)
        } catch {
            close(master)
            throw error
        }
    }
}
