import Glibc
import RuneSystem

/// A cgroup failure. Every message names the file (and the value, for writes) or the spec field.
public enum CgroupError: Error, CustomStringConvertible, Sendable {
    /// Writing `value` to a control file failed.
    case write(path: String, value: String, errno: Int32)
    /// Reading a control file failed.
    case read(path: String, errno: Int32)
    /// A directory operation (mkdir, rmdir, opendir) failed.
    case system(SyscallError)
    /// A `linux.resources` value is out of range or inconsistent; `field` is its JSON path.
    case invalid(field: String, reason: String)
    /// The host cannot honour a `linux.resources` field (controller not mounted, file absent, v1-only setting).
    case unsupported(field: String, reason: String)
    /// The cgroup file systems could not be worked out (no mounts, no entry in /proc/self/cgroup).
    case layout(String)

    public var description: String {
        switch self {
        case let .write(path, value, errno):
            return "cgroup: write \(path) \"\(value)\": \(Self.reason(errno))"
        case let .read(path, errno):
            return "cgroup: read \(path): \(Self.reason(errno))"
        case let .system(error):
            return "cgroup: \(error.name) \(error.context): \(Self.reason(error.errno))"
        case let .invalid(field, reason):
            return "cgroup: invalid \(field): \(reason)"
        case let .unsupported(field, reason):
            return "cgroup: \(field) is not supported here: \(reason)"
        case let .layout(message):
            return "cgroup: \(message)"
        }
    }

    /// strerror with a lower-case first letter, as Go's errors read ("invalid argument").
    static func reason(_ errno: Int32) -> String {
        let text = String(cString: strerror(errno))
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }

    /// The errno behind the failure, if one.
    public var errno: Int32? {
        switch self {
        case let .write(_, _, errno), let .read(_, errno): return errno
        case let .system(error): return error.errno
        default: return nil
        }
    }
}
