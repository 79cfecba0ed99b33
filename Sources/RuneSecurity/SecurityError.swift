import RuneSystem

/// Why a security step failed: bad input naming the spec field, or a failed system call naming the call and its object.
public enum SecurityError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A value in the spec (or a file it points at) that rune cannot apply; `field` is its JSON path.
    case invalid(field: String, reason: String)
    /// A system or libseccomp call that failed.
    case system(SyscallError)

    public var description: String {
        switch self {
        case .invalid(let field, let reason): return "\(field): \(reason)"
        case .system(let error): return error.description
        }
    }

    public static func == (lhs: SecurityError, rhs: SecurityError) -> Bool {
        switch (lhs, rhs) {
        case (.invalid(let f1, let r1), .invalid(let f2, let r2)): return f1 == f2 && r1 == r2
        case (.system(let e1), .system(let e2)): return e1.name == e2.name && e1.errno == e2.errno && e1.context == e2.context
        default: return false
        }
    }
}

/// Runs a system call through `Syscall.check`, turning its error into a `SecurityError`. Not generic,
/// so that it reaches the non-generic `Syscall.check` overloads (see there).
@discardableResult
func checked(_ name: String, _ context: @autoclosure () -> String = "", _ call: () -> Int) throws(SecurityError) -> Int {
    do {
        return try Syscall.check(name, context(), call)
    } catch {
        throw .system(error)
    }
}

@discardableResult
func checked(_ name: String, _ context: @autoclosure () -> String = "", _ call: () -> Int32) throws(SecurityError) -> Int32 {
    Int32(truncatingIfNeeded: try checked(name, context()) { Int(call()) })
}
