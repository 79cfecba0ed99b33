import CShimLinux
import Glibc
import NIOConcurrencyHelpers

/// Blocking copy loops, one thread each: they sit in read(2) most of their life, which costs a small
/// stack and no event-loop work.
enum Copier {
    /// Copies `source` to the FIFO or file at `path` until EOF (or EIO from a pty master), then closes both.
    /// Write errors (the reader went away) switch to draining, so the container never blocks on a full pipe.
    static func toPath(from source: Int32, path: String, closeSource: Bool = true, done: (() -> Void)? = nil) {
        startThread {
            let dst = open(path, O_WRONLY | O_CLOEXEC)
            pump(source, dst)
            if dst >= 0 { close(dst) }
            if closeSource { close(source) }
            done?()
        }
    }

    /// Copies `source` to `dst` (both owned by the caller) until EOF.
    static func pump(_ source: Int32, _ dst: Int32) {
        var buf = [UInt8](repeating: 0, count: 32 << 10)
        var writable = dst >= 0
        while true {
            let n = buf.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            if writable { writable = Sys.writeAll(dst, Array(buf[0..<n])) }
        }
    }
}

/// Feeds a container's stdin from a FIFO until CloseIO. The FIFO is opened read-write so the loop
/// never sees a spurious EOF while no client has it open (containerd reopens it after a restart).
final class StdinFeeder: @unchecked Sendable {
    private let cancelFD: Int32
    private var target: Int32
    private let lock = NIOLock()

    init(fifo path: String, target: Int32) throws {
        let src = open(path, O_RDWR | O_CLOEXEC)
        guard src >= 0 else { throw ShimError.failed("open stdin \(path): \(Sys.errnoText())") }
        cancelFD = cshim_eventfd()
        self.target = target
        startThread { [self] in
            run(src)
            Glibc.close(src)
        }
    }

    private func run(_ src: Int32) {
        var buf = [UInt8](repeating: 0, count: 32 << 10)
        var fds = [pollfd(fd: src, events: Int16(POLLIN), revents: 0), pollfd(fd: cancelFD, events: Int16(POLLIN), revents: 0)]
        while true {
            if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { return } }
            if fds[1].revents != 0 { return }
            let n = buf.withUnsafeMutableBytes { read(src, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            let ok = lock.withLock { target >= 0 && Sys.writeAll(target, Array(buf[0..<n])) }
            if !ok { return }
        }
    }

    /// Closes the container's stdin (EOF to the process) and stops the loop.
    func close() {
        lock.withLock {
            if target >= 0 { _ = Glibc.close(target) }
            target = -1
        }
        var one: UInt64 = 1
        _ = write(cancelFD, &one, 8)
    }
}

