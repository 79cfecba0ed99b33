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

/// Feeds a container's stdin from a FIFO until the client closes its end (EOF, as `ctr run` does) or
/// calls CloseIO. Opened O_RDONLY|O_NONBLOCK: the open never blocks, and poll(2) reports a FIFO that never
/// had a writer as not ready, so EOF is only seen after a writer came and went.
final class StdinFeeder: @unchecked Sendable {
    private let cancelFD: Int32
    private let lock = NIOLock()
    private var target: Int32
    /// A write to `target` is in progress (it may block while the process does not read): close() then
    /// leaves the close to the loop, so CloseIO never waits and the fd number is never reused under a write.
    private var writing = false
    private var closeCalled = false
    /// The eventfd is closed by whichever of the loop's end and close() comes second.
    private var loopDone = false

    init(fifo path: String, target: Int32) throws {
        let src = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard src >= 0 else { throw ShimError.failed("open stdin \(path): \(Sys.errnoText())") }
        cancelFD = cshim_eventfd()
        self.target = target
        startThread { [self] in
            run(src)
            close()  // EOF from the client, or CloseIO already: the process sees EOF
            Glibc.close(src)
            lock.withLock {
                loopDone = true
                if closeCalled { _ = Glibc.close(cancelFD) }
            }
        }
    }

    private func run(_ src: Int32) {
        var buf = [UInt8](repeating: 0, count: 32 << 10)
        var fds = [pollfd(fd: src, events: Int16(POLLIN), revents: 0), pollfd(fd: cancelFD, events: Int16(POLLIN), revents: 0)]
        while true {
            if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { return } }
            if fds[1].revents != 0 { return }
            let n = buf.withUnsafeMutableBytes { read(src, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 { return }
            guard let fd = lock.withLock({ () -> Int32? in
                writing = target >= 0
                return target >= 0 ? target : nil
            }) else { return }
            let ok = Sys.writeAll(fd, Array(buf[0..<n]))
            let stop = lock.withLock { () -> Bool in
                writing = false
                if closeCalled && target >= 0 {
                    _ = Glibc.close(target)
                    target = -1
                }
                return !ok || target < 0
            }
            if stop { return }
        }
    }

    /// Closes the container's stdin (EOF to the process) and stops the loop.
    func close() {
        lock.withLock {
            guard !closeCalled else { return }
            closeCalled = true
            if !writing && target >= 0 {
                _ = Glibc.close(target)
                target = -1
            }
            if loopDone {
                _ = Glibc.close(cancelFD)
            } else {
                var one: UInt64 = 1
                _ = write(cancelFD, &one, 8)
            }
        }
    }

    deinit {
        // The loop ended on its own (EOF, write error) and nobody called close(): release the fds.
        if target >= 0 { _ = Glibc.close(target) }
    }
}
