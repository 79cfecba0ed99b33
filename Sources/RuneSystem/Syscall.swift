import CRuneLinux
import Glibc

/// A failed system call: the call's name, its errno and the path or object it worked on.
public struct SyscallError: Error, CustomStringConvertible, Sendable {
    public let name: String
    public let errno: Int32
    public let context: String

    public init(name: String, errno: Int32, context: String = "") {
        self.name = name
        self.errno = errno
        self.context = context
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        return context.isEmpty ? "\(name): \(reason)" : "\(name) \(context): \(reason)"
    }
}

/// The one wrapper every system call goes through: errno is read at once, EINTR is retried,
/// and failures become a `SyscallError` that names the call and its context.
public enum Syscall {
    /// Calls returning Int (read, write: ssize_t). This one and the Int32 one below are not generic:
    /// other modules call a generic `check` unspecialized, and its integer operations run the stdlib's
    /// integer witnesses, code that stays resident for them alone (docs/performance.md, "Link order").
    @inline(never)
    @discardableResult
    public static func check(
        _ name: String, _ context: @autoclosure () -> String = "",
        retryOnInterrupt: Bool = true, _ call: () -> Int
    ) throws(SyscallError) -> Int {
        while true {
            let result = call()
            if result != -1 { return result }
            let err = Glibc.errno
            if err == EINTR && retryOnInterrupt { continue }
            throw SyscallError(name: name, errno: err, context: context())
        }
    }

    /// Calls returning Int32 (int): most of them.
    @discardableResult
    public static func check(
        _ name: String, _ context: @autoclosure () -> String = "",
        retryOnInterrupt: Bool = true, _ call: () -> Int32
    ) throws(SyscallError) -> Int32 {
        Int32(truncatingIfNeeded: try check(name, context(), retryOnInterrupt: retryOnInterrupt) { Int(call()) })
    }

    /// Calls returning another signed integer type.
    @discardableResult
    public static func check<R: SignedInteger & FixedWidthInteger>(
        _ name: String, _ context: @autoclosure () -> String = "",
        retryOnInterrupt: Bool = true, _ call: () -> R
    ) throws(SyscallError) -> R {
        R(truncatingIfNeeded: try check(name, context(), retryOnInterrupt: retryOnInterrupt) { Int(truncatingIfNeeded: call()) })
    }

    /// Like `check` for calls that return a pointer and NULL on failure.
    @inline(never)
    public static func checkPointer<T>(
        _ name: String, _ context: @autoclosure () -> String = "", _ call: () -> T?
    ) throws(SyscallError) -> T {
        while true {
            if let result = call() { return result }
            let err = Glibc.errno
            if err == EINTR { continue }
            throw SyscallError(name: name, errno: err, context: context())
        }
    }
}
