import OCISpec

/// What rune keeps about a container in `<root>/<id>/state.json` (its own format; `rune state` prints the OCI shape).
public struct ContainerState: Codable, Sendable {
    public var id: String
    public var bundle: String
    public var rootfs: String
    public var initPid: Int32
    /// Start time of the init process (field 22 of /proc/<pid>/stat), so a reused pid is not mistaken for it.
    public var initStartTime: UInt64
    public var created: String
    public var owner: String
    public var cgroupPaths: [String: String]
    public var config: Spec
    public var enclave: EnclaveSettings?

    public var annotations: [String: String]? { config.annotations }
}

/// Enclave settings fixed at create (see docs/enclave.md).
public struct EnclaveSettings: Codable, Sendable, Equatable {
    public var type: String
    public var runtimePath: String
    public var runtimeArgs: String
    public var logLevel: String

    public init(type: String, runtimePath: String, runtimeArgs: String, logLevel: String) {
        self.type = type
        self.runtimePath = runtimePath
        self.runtimeArgs = runtimeArgs
        self.logLevel = logLevel
    }
}

public enum ContainerStatus: String, Sendable {
    case creating, created, running, paused, stopped
}
