import TTRPC

/// Errors the Task service turns into ttrpc statuses that containerd's errdefs understands.
public enum ShimError: Error, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    case invalidArgument(String)
    case failedPrecondition(String)
    case unimplemented(String)
    case failed(String)

    public var description: String {
        switch self {
        case .notFound(let m), .alreadyExists(let m), .invalidArgument(let m), .failedPrecondition(let m),
             .unimplemented(let m), .failed(let m):
            return m
        }
    }

    var status: TTRPCError {
        switch self {
        case .notFound(let m): return TTRPCError(.notFound, m)
        case .alreadyExists(let m): return TTRPCError(.alreadyExists, m)
        case .invalidArgument(let m): return TTRPCError(.invalidArgument, m)
        case .failedPrecondition(let m): return TTRPCError(.failedPrecondition, m)
        case .unimplemented(let m): return TTRPCError(.unimplemented, m)
        case .failed(let m): return TTRPCError(.unknown, m)
        }
    }
}
