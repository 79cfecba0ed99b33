/// A gRPC status carried in a ttrpc response. containerd maps these codes through errdefs.FromGRPC.
public struct TTRPCError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: Int32, Sendable {
        case ok = 0
        case canceled = 1
        case unknown = 2
        case invalidArgument = 3
        case deadlineExceeded = 4
        case notFound = 5
        case alreadyExists = 6
        case permissionDenied = 7
        case resourceExhausted = 8
        case failedPrecondition = 9
        case aborted = 10
        case outOfRange = 11
        case unimplemented = 12
        case `internal` = 13
        case unavailable = 14
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code) (\(code.rawValue)): \(message)" }
}
