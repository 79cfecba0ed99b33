import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

/// Global settings of one rune invocation (`--root`, `--systemd-cgroup`, ...).
public struct Runtime: Sendable {
    public let store: StateStore
    public let systemdCgroup: Bool
    /// Unprivileged operation: cgroups only where we may write, no device rules (runc's --rootless).
    public var rootless = false
    /// Turns a bundle into an enclave container when it asks to be one (installed by RuneEnclave).
    public var enclaveResolver: (@Sendable (inout Spec, String) throws(RuneError) -> EnclaveSettings?)?
    /// Reaches a running enclave through its agent socket (installed by RuneEnclave).
    public var enclaveOps: (any EnclaveOperations)?
    /// Binary re-executed as the container init; an enclave container needs the dynamically linked runelet.
    public var initExecutable: @Sendable (EnclaveSettings?) -> String = { _ in "/proc/self/exe" }

    public init(root: String, systemdCgroup: Bool = false) {
        self.store = StateStore(root: root)
        self.systemdCgroup = systemdCgroup
    }

    /// The current status, derived from the live process, the exec fifo and the freezer.
    public func status(of state: ContainerState) -> ContainerStatus {
        guard ProcessTable.isAlive(state.initPid, startTime: state.initStartTime) else { return .stopped }
        if FileSystem.exists(store.directory(state.id) + "/exec.fifo") { return .created }
        if CgroupManager(paths: state.cgroupPaths).freezerState() == "FROZEN" { return .paused }
        return .running
    }

    func hookState(_ state: ContainerState, status: ContainerStatus) -> State {
        State(ociVersion: state.config.ociVersion, id: state.id, status: status.rawValue,
              pid: status == .stopped ? nil : Int(state.initPid), bundle: state.bundle, annotations: state.config.annotations)
    }
}

/// What RuneCore asks of the enclave layer for containers that have an enclave.
public protocol EnclaveOperations: Sendable {
    /// Binds the agent socket in the state directory and returns the listening fd for the init-runelet.
    func listen(stateDir: String) throws(RuneError) -> Int32
    func exec(_ state: ContainerState, stateDir: String, options: ExecOptions) throws(RuneError) -> Int32
    func signalAll(_ state: ContainerState, stateDir: String, signal: Int32) throws(RuneError)
    /// Asks the init-runelet to stop its payloads, pal_destroy and exit; false when it could not be reached.
    func stop(_ state: ContainerState, stateDir: String) -> Bool
}
