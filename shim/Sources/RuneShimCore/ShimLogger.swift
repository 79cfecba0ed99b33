import Glibc

/// Writes logfmt-like lines to the bundle's `log` FIFO, which containerd copies to its own stderr.
public struct ShimLogger: Sendable {
    private let fd: Int32
    public let debug: Bool

    public init(fd: Int32, debug: Bool) {
        self.fd = fd
        self.debug = debug
    }

    public static let disabled = ShimLogger(fd: -1, debug: false)

    /// Opens `./log` write-only, non-blocking, so a missing reader never stalls the shim.
    public static func openBundleLog(debug: Bool) -> ShimLogger {
        let fd = open("log", O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        return ShimLogger(fd: fd, debug: debug)
    }

    public func info(_ msg: @autoclosure () -> String) { emit("info", msg()) }
    public func warn(_ msg: @autoclosure () -> String) { emit("warning", msg()) }
    public func error(_ msg: @autoclosure () -> String) { emit("error", msg()) }
    public func debugLog(_ msg: @autoclosure () -> String) { if debug { emit("debug", msg()) } }

    private func emit(_ level: String, _ msg: String) {
        guard fd >= 0 else { return }
        var quoted = ""
        JSON.quote(msg, into: &quoted)
        Sys.writeAll(fd, Array("level=\(level) msg=\(quoted) runtime=io.containerd.rune.v2\n".utf8))
    }
}
