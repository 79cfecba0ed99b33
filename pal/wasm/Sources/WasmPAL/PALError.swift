// Errors of the PAL entry points: a negative errno for the caller plus one line for stderr.
#if canImport(Glibc)
import Glibc
#endif

struct PALError: Error, CustomStringConvertible {
    let errno: Int32
    let description: String

    init(_ errno: Int32, _ description: String) {
        self.errno = errno
        self.description = description
    }
}

/// Writes one diagnostic line to the init-runelet's stderr (fd 2), prefixed so logs show its origin.
func palLog(_ message: String) {
    let line = Array("pal-wasm: \(message)\n".utf8)
    line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}

/// Runs an entry point body and maps every failure to `-errno` (never traps the init-runelet).
func palEntry(_ name: String, _ body: () throws -> Int32) -> Int32 {
    do {
        return try body()
    } catch let error as PALError {
        palLog("\(name): \(error.description)")
        return -error.errno
    } catch {
        palLog("\(name): \(error)")
        return -EINVAL
    }
}

/// A simple pthread mutex: the PAL state is touched from rune's threads (exec, kill relays).
final class Lock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

/// Runs `body` on a new joinable thread with a generous stack and waits for it.
/// The caller's thread may be a small-stack worker of the host; the interpreter and host calls nest.
func runOnOwnThread(stackSize: Int = 8 << 20, _ body: @escaping () -> Void) -> Bool {
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstacksize(&attributes, stackSize)
    defer { pthread_attr_destroy(&attributes) }
    guard let thread = startThread(attributes: &attributes, body) else { return false }
    pthread_join(thread, nil)
    return true
}

@discardableResult
func startThread(attributes: inout pthread_attr_t, _ body: @escaping () -> Void) -> pthread_t? {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, &attributes, { raw in
        guard let raw else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, context)
    guard result == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return nil
    }
    return thread
}

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
