import OCISpec

/// What host-side rune sends the container process after the namespace stage: everything it needs
/// to finish setting itself up, with fds given as numbers in the child.
public struct InitConfig: Codable, Sendable {
    public enum Kind: String, Codable, Sendable { case create, exec }

    public var kind: Kind
    public var id: String
    public var spec: Spec
    public var process: Process
    public var bundle: String
    public var rootfs: String
    public var noPivot = false
    public var noNewKeyring = false
    public var preserveFds = 0
    public var fifoFd: Int32?
    public var consoleFd: Int32?
    public var enclave: EnclaveSettings?
    public var seccompCacheDir: String?
    /// The compiled seccomp program (hex) and its seccomp(2) flags, built on the host at create/exec.
    public var seccompProgram: String?
    public var seccompFlags: UInt32 = 0
    public var cgroupPaths: [String: String] = [:]
    public var hostPid: Int32 = 0
    public var agentFd: Int32?
    /// The host's v1 cgroup hierarchies (names under /sys/fs/cgroup) in mount order, from the mountinfo
    /// rune read for the cgroups, so that the init does not read it again for a `cgroup` mount.
    public var cgroupHierarchies: [String]?
    /// A `hostNetwork` frame brings the network namespace to join (Bootstrap.networkFromHost).
    public var networkFromHost = false
    /// The v1 `tasks` files the container process writes "0" to once `hostCgroups` came with them opened,
    /// in this order (the paths name them in errors); nil when nsexec placed it (Launch.startEarly).
    public var cgroupTasks: [String]?
}

// The JSON mapping (OCISpec's fast path, which also provides Codable): the init decodes this at every
// container start. One line per stored property, in declaration order.
extension InitConfig: JSONTreeObject {
    package init(jsonBlank: Void) {
        self.init(kind: .create, id: "", spec: Spec(), process: Process(), bundle: "", rootfs: "")
    }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("kind", &kind)
        try fields.map("id", &id)
        try fields.map("spec", &spec)
        try fields.map("process", &process)
        try fields.map("bundle", &bundle)
        try fields.map("rootfs", &rootfs)
        try fields.map("noPivot", &noPivot)
        try fields.map("noNewKeyring", &noNewKeyring)
        try fields.map("preserveFds", &preserveFds)
        try fields.map("fifoFd", &fifoFd)
        try fields.map("consoleFd", &consoleFd)
        try fields.map("enclave", &enclave)
        try fields.map("seccompCacheDir", &seccompCacheDir)
        try fields.map("seccompProgram", &seccompProgram)
        try fields.map("seccompFlags", &seccompFlags)
        try fields.map("cgroupPaths", &cgroupPaths)
        try fields.map("hostPid", &hostPid)
        try fields.map("agentFd", &agentFd)
        try fields.map("cgroupHierarchies", &cgroupHierarchies)
        try fields.map("networkFromHost", &networkFromHost)
        try fields.map("cgroupTasks", &cgroupTasks)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

/// Same message as RawRepresentable's Decodable for an unknown kind.
extension InitConfig.Kind: JSONTreeValue {}
