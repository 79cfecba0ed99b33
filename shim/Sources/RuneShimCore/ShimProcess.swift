import ShimProto
import SwiftProtobuf

/// One container process (the init, or an exec) as the Task service tracks it.
/// Every mutable field is guarded by the owning TaskService's lock.
final class ShimProcess: @unchecked Sendable {
    let containerID: String
    let execID: String  // "" for the init process
    let stdin: String, stdout: String, stderr: String
    let terminal: Bool
    /// Exec only: the OCI Process, as JSON.
    let processSpec: [UInt8]

    var pid: Int32 = 0
    var status: Containerd_V1_Types_Status = .created
    var exitStatus: UInt32 = 0
    var exitedAt: Google_Protobuf_Timestamp?
    var io: ProcessIO?
    var waiters: [CheckedContinuation<Void, Never>] = []
    /// Start is running: an exit seen meanwhile is held back so TaskStart is published first.
    var starting = false
    var heldExit: Int32?

    var id: String { execID.isEmpty ? containerID : execID }
    var isInit: Bool { execID.isEmpty }
    var hasExited: Bool { status == .stopped }

    init(containerID: String, execID: String, stdin: String, stdout: String, stderr: String, terminal: Bool,
         processSpec: [UInt8] = []) {
        self.containerID = containerID
        self.execID = execID
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.terminal = terminal
        self.processSpec = processSpec
    }
}

/// A container this shim serves: its bundle, runtime, init process and execs.
final class ShimContainer: @unchecked Sendable {
    let id: String
    let bundle: String
    let runtime: RuneClient
    let initProcess: ShimProcess
    var execs: [String: ShimProcess] = [:]
    /// We mounted `<bundle>/rootfs` and must unmount it.
    var mountedRootfs: Bool
    var oom: OOMWatcher?
    /// No private pid namespace: the init's exit does not take the other processes with it (runc's rule).
    var killAllOnInitExit = false
    /// `cgroup.procs` of the init's cgroup, for killing what the runtime's `kill --all` could not.
    var cgroupProcs: String?

    init(id: String, bundle: String, runtime: RuneClient, initProcess: ShimProcess, mountedRootfs: Bool) {
        self.id = id
        self.bundle = bundle
        self.runtime = runtime
        self.initProcess = initProcess
        self.mountedRootfs = mountedRootfs
    }

    var rootfsPath: String { bundle + "/rootfs" }
}
