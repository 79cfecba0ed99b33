import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

/// Global settings of one rune invocation (`--root`, `--systemd-cgroup`, ...).
public struct Runtime: Sendable {
    public let store: StateStore
    public let systemdCgroup: Bool
    /// Turns a bundle into an enclave container when it asks to be one (installed by RuneEnclave).
    public var enclaveResolver: (@Sendable (inout Spec, String) throws(RuneError) -> EnclaveSettings?)?
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

    func hookState(_ state: ContainerState, status: ContainerStatus) -> HookState {
        HookState(ociVersion: state.config.ociVersion, id: state.id, status: status.rawValue,
                  pid: status == .stopped ? nil : state.initPid, bundle: state.bundle, annotations: state.config.annotations)
    }
}
