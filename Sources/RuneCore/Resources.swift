import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

extension Runtime {
    public func pause(id: String) throws(RuneError) {
        let (state, lock) = try store.load(id)
        defer { _ = lock }
        guard status(of: state) == .running else { throw RuneError(.invalidState, "container not running") }
        do { try CgroupManager(paths: state.cgroupPaths).freeze() } catch { throw RuneError(.failed, "\(error)") }
    }

    public func resume(id: String) throws(RuneError) {
        let (state, lock) = try store.load(id)
        defer { _ = lock }
        guard status(of: state) == .paused else { throw RuneError(.invalidState, "container not paused") }
        do { try CgroupManager(paths: state.cgroupPaths).thaw() } catch { throw RuneError(.failed, "\(error)") }
    }

    public func update(id: String, resources: LinuxResources) throws(RuneError) {
        var (state, lock) = try store.load(id)
        defer { _ = lock }
        guard status(of: state) != .stopped else { throw RuneError(.invalidState, "container not running") }
        do { try CgroupManager(paths: state.cgroupPaths).update(resources) } catch { throw RuneError(.failed, "\(error)") }
        var spec = try state.config.spec()
        spec.linux?.resources = resources
        state.config = StoredConfig(spec)
        try store.save(state)
    }

    public func oomCount(id: String) throws(RuneError) -> UInt64 {
        let state = try store.read(id)
        guard status(of: state) != .stopped else { throw RuneError(.invalidState, "container not running") }
        return CgroupManager(paths: state.cgroupPaths).oomKillCount()
    }

    /// `events --stats`: {"type":"stats","id":...,"data":{...}} as runc prints it.
    public func statsEvent(id: String) throws(RuneError) -> String {
        let state = try store.read(id)
        guard status(of: state) != .stopped else { throw RuneError(.invalidState, "container not running") }
        do {
            let stats = try CgroupManager(paths: state.cgroupPaths).stats()
            let data = String(decoding: try JSON.encoder.encodeBytes(stats), as: UTF8.self)
            return "{\"type\":\"stats\",\"id\":\(Log.quote(id)),\"data\":\(data)}"
        } catch { throw RuneError(.failed, "\(error)") }
    }
}
