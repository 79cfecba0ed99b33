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
    @inline(never)
    @discardableResult
    public static func check<R: BinaryInteger>(
        _ name: String, _ context: @autoclosure () -> String = "",
        retryOnInterrupt: Bool = true, _ call: () -> R
    ) throws(SyscallError) -> R {
        while true {
            let result = call()
            if result != -1 { return result }
            let err = Glibc.errno
            if err == EINTR && retryOnInterrupt { continue }
            throw SyscallError(name: name, errno: err, context: context())
        }
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
