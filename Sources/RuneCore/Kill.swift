import Glibc
import RuneCgroups
import RuneSystem

extension Runtime {
    /// `rune kill`: signals the init (or, with `all`, every process in the container's cgroup).
    public func kill(id: String, signal: Int32, all: Bool) throws(RuneError) {
        let (state, lock) = try store.load(id)
        defer { _ = lock }
        let current = status(of: state)
        // As runc: --all still reaches processes left in the cgroup after the init died.
        if current == .stopped && all {
            try signalAll(state, signal)
            return
        }
        guard current != .stopped else { throw RuneError(.invalidState, "container not running") }
        if all {
            // An enclave's processes live inside its runtime: --all reaches them through pal_kill(-1).
            if state.enclave != nil, let ops = enclaveOps, current == .running {
                try ops.signalAll(state, stateDir: store.directory(id), signal: signal)
                return
            }
            try signalAll(state, signal)
            return
        }
        do { try Syscall.check("kill", "\(state.initPid)") { Glibc.kill(state.initPid, signal) } } catch { throw error.rune }
    }

    func signalAll(_ state: ContainerState, _ signal: Int32) throws(RuneError) {
        let cgroup = CgroupManager(paths: state.cgroupPaths)
        let pids = (try? cgroup.pids()) ?? [state.initPid]
        // A frozen cgroup would hold SIGKILL'd tasks forever: thaw it after signalling.
        for pid in pids { _ = Glibc.kill(pid, signal) }
        if signal == SIGKILL, cgroup.freezerState() == "FROZEN" { try? cgroup.thaw() }
    }
}
