import Glibc
import RuneSystem

/// The error every rune operation reports: one line that names the input, field or path at fault.
public struct RuneError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable { case invalidArgument, notFound, exists, invalidState, unsupported, failed }
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Wraps any error with the step it happened in, keeping RuneErrors' codes.
    public static func wrap(_ error: any Error, _ step: String) -> RuneError {
        if let e = error as? RuneError { return RuneError(e.code, "\(step): \(e.message)") }
        return RuneError(.failed, "\(step): \(error)")
    }
}

extension SyscallError {
    public var rune: RuneError { RuneError(errno == ENOENT ? .notFound : .failed, description) }
}
