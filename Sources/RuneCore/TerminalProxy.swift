import CRuneLinux
import Glibc
import RuneSystem

/// Foreground `run` of a container with `process.terminal` and no console socket: rune takes the pty
/// master itself and copies between it and its own stdio (raw mode when stdin is a terminal), as runc does.
final class TerminalProxy: @unchecked Sendable {
    let containerEnd: Int32
    private let ourEnd: Int32
    private var master: Int32 = -1
    private var saved: termios?

    init() throws(RuneError) {
        var pair: [Int32] = [0, 0]
        do {
            try Syscall.check("socketpair") {
                socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair)
            }
        } catch { throw error.rune }
        containerEnd = pair[0]
        ourEnd = pair[1]
    }

    func receiveMaster() throws(RuneError) {
        var buf = [UInt8](repeating: 0, count: 64)
        var fds: [Int32] = [-1]
        var n: Int32 = 0
        let got = buf.withUnsafeMutableBytes { rune_recv_fds(ourEnd, $0.baseAddress, $0.count, &fds, 1, &n) }
        close(ourEnd)
        close(containerEnd)
        guard got > 0, n == 1 else { throw RuneError(.failed, "console: the container sent no pty master") }
        master = fds[0]
    }

    /// Copies in a background thread; the container exiting closes the pty and ends it.
    func start() {
        if isatty(0) == 1 {
            var t = termios()
            if tcgetattr(0, &t) == 0 {
                saved = t
                cfmakeraw(&t)
                tcsetattr(0, TCSANOW, &t)
            }
        }
        let master = self.master
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(master)).toOpaque()
        pthread_create(&thread, nil, { raw in
            let m = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().fd
            TerminalProxy.copyLoop(master: m)
            return nil
        }, box)
        pthread_detach(thread)
    }

    func restore() {
        if var t = saved { tcsetattr(0, TCSANOW, &t) }
    }

    private final class Box { let fd: Int32; init(_ fd: Int32) { self.fd = fd } }

    static func copyLoop(master: Int32) {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
        var buf = [UInt8](repeating: 0, count: 16384)
        while true {
            guard poll(&fds, 2, -1) > 0 else { if errno == EINTR { continue }; return }
            if fds[1].revents != 0 {
                let n = buf.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                try? FileSystem.writeAll(fd: 1, Array(buf[0..<n]), context: "stdout")
            }
            if fds[0].revents != 0 {
                let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n <= 0 { fds[0].fd = -1; continue }
                try? FileSystem.writeAll(fd: master, Array(buf[0..<n]), context: "pty")
            }
        }
    }
}
