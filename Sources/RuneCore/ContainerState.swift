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
    /// The config the container was created with (`config.spec()` for all of it).
    public var config: StoredConfig
    public var enclave: EnclaveSettings?

    public init(id: String, bundle: String, rootfs: String, initPid: Int32, initStartTime: UInt64, created: String,
                owner: String, cgroupPaths: [String: String], config: Spec, enclave: EnclaveSettings?) {
        self.id = id
        self.bundle = bundle
        self.rootfs = rootfs
        self.initPid = initPid
        self.initStartTime = initStartTime
        self.created = created
        self.owner = owner
        self.cgroupPaths = cgroupPaths
        self.config = StoredConfig(config)
        self.enclave = enclave
    }
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

// The JSON mappings (OCISpec's fast path, which also provides Codable): state.json is read by every
// command, so it must not go through the generic Codable machinery. One line per stored property.
extension ContainerState: JSONTreeObject {
    package init(jsonBlank: Void) {
        self.init(id: "", bundle: "", rootfs: "", initPid: 0, initStartTime: 0, created: "", owner: "",
                  cgroupPaths: [:], config: Spec(), enclave: nil)
    }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("id", &id)
        try fields.map("bundle", &bundle)
        try fields.map("rootfs", &rootfs)
        try fields.map("initPid", &initPid)
        try fields.map("initStartTime", &initStartTime)
        try fields.map("created", &created)
        try fields.map("owner", &owner)
        try fields.map("cgroupPaths", &cgroupPaths)
        try fields.map("config", &config)
        try fields.map("enclave", &enclave)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension EnclaveSettings: JSONTreeObject {
    package init(jsonBlank: Void) { self.init(type: "", runtimePath: "", runtimeArgs: "", logLevel: "") }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("type", &type)
        try fields.map("runtimePath", &runtimePath)
        try fields.map("runtimeArgs", &runtimeArgs)
        try fields.map("logLevel", &logLevel)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}
