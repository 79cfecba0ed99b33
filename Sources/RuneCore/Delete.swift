import Glibc
import RuneCgroups
import RuneSystem

extension Runtime {
    /// `rune delete`: a stopped or created container goes; a running one only with `force`.
    public func delete(id: String, force: Bool) throws(RuneError) {
        guard FileSystem.isDirectory(store.directory(id)) else {
            if force { return }
            throw RuneError(.notFound, "container \"\(id)\" does not exist")
        }
        guard let (state, lock) = try? store.load(id) else {
            // A directory without state (interrupted create): runc removes it.
            try store.remove(id)
            return
        }
        defer { _ = lock }
        try delete(loaded: state, force: force)
    }

    /// The end of a foreground `run`: the state in memory is the one it created; a container someone
    /// else deleted meanwhile is left alone.
    func delete(ran state: ContainerState) throws(RuneError) {
        guard let lock = try? StateLock(directory: store.directory(state.id)), store.exists(state.id) else { return }
        defer { _ = lock }
        try delete(loaded: state, force: true)
    }

    private func delete(loaded state: ContainerState, force: Bool) throws(RuneError) {
        let current = status(of: state)
        switch current {
        case .stopped: break
        case .created: killAndWait(state)
        case .running, .paused, .creating:
            guard force else {
                throw RuneError(.invalidState, "cannot delete container \(state.id) that is not stopped: \(current.rawValue)")
            }
            killAndWait(state)
        }
        try destroy(state)
    }

    func killAndWait(_ state: ContainerState) {
        let cgroup = CgroupManager(paths: state.cgroupPaths)
        if cgroup.freezerState() == "FROZEN" { try? cgroup.thaw() }
        if state.enclave != nil, let ops = enclaveOps, ops.stop(state, stateDir: store.directory(state.id)) {
            waitGone(state.initPid)
        }
        _ = Glibc.kill(state.initPid, SIGKILL)
        waitGone(state.initPid)
    }

    /// Removes what a container holds: leftover processes, cgroups, state; then poststop hooks.
    func destroy(_ state: ContainerState) throws(RuneError) {
        let cgroup = CgroupManager(paths: state.cgroupPaths)
        for pid in (try? cgroup.pids()) ?? [] where pid != getpid() {
            _ = Glibc.kill(pid, SIGKILL)
            waitGone(pid)
        }
        try? cgroup.destroy()
        try store.remove(state.id)
        guard state.config.hasPoststopHooks else { return }
        do {
            try HookRunner.run(try state.config.spec().hooks?.poststop, kind: "poststop", state: hookState(state, status: .stopped))
        } catch {
            // runc logs poststop failures and still deletes.
            Log.warn("\(error)")
        }
    }
}
