import CRuneLinux
import Glibc
import RuneSystem

/// The container's terminal: a pty whose master goes to the console socket over SCM_RIGHTS
/// and whose slave becomes stdio, the controlling terminal and /dev/console.
enum Console {
    static func setup(socketFd: Int32, mountConsole: Bool, size: (UInt16, UInt16)?) throws(SyscallError) {
        let (master, slave, slavePath) = try Pty.openPair()
        defer { close(master) }
        if let (rows, cols) = size {
            var ws = winsize(ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0)
            _ = rune_ioctl_ptr(slave, UInt(TIOCSWINSZ), &ws)
        }
        if mountConsole {
            let f = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if f >= 0 { close(f) }
            try mountCall(slavePath, "/dev/console", "bind", UInt(MS_BIND), nil, context: "/dev/console")
        }
        let label = Array("/dev/ptmx".utf8)
        var fds = [master]
        try Syscall.check("sendmsg", "console socket") {
            label.withUnsafeBytes { rune_send_fds(socketFd, $0.baseAddress, $0.count, &fds, 1) }
        }
        for target in Int32(0)...2 { try Syscall.check("dup2", slavePath) { dup2(slave, target) } }
        close(slave)
        var zero: Int32 = 0
        try Syscall.check("ioctl", "TIOCSCTTY") { rune_ioctl_int(0, UInt(TIOCSCTTY), &zero) }
    }
}
