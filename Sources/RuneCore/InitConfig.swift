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
}
