import CShimLinux
import Glibc
import NIOConcurrencyHelpers

/// Thin, throwing wrappers over the few syscalls the shim needs.
enum Sys {
    static func errnoText(_ e: Int32 = errno) -> String { String(cString: strerror(e)) }

    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw ShimError.notFound("\(path): no such file") }
            throw ShimError.failed("open \(path): \(errnoText(e))")
        }
        defer { close(fd) }
        return readAll(fd)
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    static func readText(_ path: String) throws -> String { String(decoding: try readFile(path), as: UTF8.self) }

    /// Writes via a temp file and rename, so readers never see a half-written file.
    static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ShimError.failed("create \(tmp): \(errnoText())") }
        let ok = writeAll(fd, bytes)
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ShimError.failed("write \(path): \(errnoText())")
        }
    }

    static func writeFile(_ path: String, _ text: String) throws { try writeFile(path, Array(text.utf8)) }

    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isExecutable(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    static func mkdirAll(_ path: String, mode: mode_t = 0o711) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw ShimError.failed("mkdir \(current): \(errnoText())")
            }
        }
    }

    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard cshim_pipe(&fds) == 0 else { throw ShimError.failed("pipe: \(errnoText())") }
        return (fds[0], fds[1])
    }

    static func dirname(_ path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return "." }
        return i == path.startIndex ? "/" : String(path[..<i])
    }

    static func basename(_ path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: i)...])
    }

    static func cwd() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "." }
        return String(cString: buf)
    }

    /// The path of the running executable.
    static func selfExecutable() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(cString: buf) : CommandLine.arguments[0]
    }

    static func environment() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }

    static func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    /// Searches PATH like execvp does.
    static func lookPath(_ name: String) -> String? {
        if name.contains("/") { return isExecutable(name) ? name : nil }
        for dir in (env("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// (seconds, nanoseconds) of the wall clock.
    static func now() -> (Int64, Int32) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (Int64(ts.tv_sec), Int32(ts.tv_nsec))
    }
}

/// Runs `body` on a new detached pthread (blocking copy loops, accept, the signal loop).
func startThread(_ body: @escaping () -> Void) {
    final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    pthread_attr_setstacksize(&attr, 256 << 10)
    pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
    var tid = pthread_t()
    let rc = pthread_create(&tid, &attr, { arg in
        let b = Unmanaged<AnyObject>.fromOpaque(arg!).takeRetainedValue() as! Box
        b.body()
        return nil
    }, box)
    pthread_attr_destroy(&attr)
    precondition(rc == 0, "pthread_create failed: \(rc)")
}

/// A FIFO queue whose `pop` blocks; used by the event publisher thread.
final class BlockingQueue<T>: @unchecked Sendable {
    private let cond = ConditionLock(value: 0)
    private var items: [T] = []

    func push(_ item: T) {
        cond.lock()
        items.append(item)
        cond.unlock(withValue: 1)
    }

    func pop() -> T {
        cond.lock(whenValue: 1)
        let item = items.removeFirst()
        cond.unlock(withValue: items.isEmpty ? 0 : 1)
        return item
    }

    var isEmpty: Bool {
        cond.lock()
        defer { cond.unlock() }
        return items.isEmpty
    }
}
