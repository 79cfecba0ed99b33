import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

/// What `rune state` and `rune list` print for one container (runc's containerState shape).
public struct ContainerSummary: Sendable {
    public var id: String
    public var pid: Int32
    public var status: ContainerStatus
    public var bundle: String
    public var rootfs: String
    public var created: String
    public var owner: String
    public var annotations: [String: String]?
    public var ociVersion: String

    /// The state JSON with runc's key order and 2-space indentation.
    public func stateJSON() -> String {
        var lines = [
            "  \"ociVersion\": \(Log.quote(ociVersion))", "  \"id\": \(Log.quote(id))", "  \"pid\": \(pid)",
            "  \"status\": \(Log.quote(status.rawValue))", "  \"bundle\": \(Log.quote(bundle))",
            "  \"rootfs\": \(Log.quote(rootfs))", "  \"created\": \(Log.quote(created))",
        ]
        if let annotations, !annotations.isEmpty {
            let body = annotations.sorted { $0.key < $1.key }.map { "    \(Log.quote($0.key)): \(Log.quote($0.value))" }
            lines.append("  \"annotations\": {\n" + body.joined(separator: ",\n") + "\n  }")
        }
        lines.append("  \"owner\": \(Log.quote(owner))")
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }

    /// One compact object, as `runc list --format json` prints in its array.
    public func listJSON() -> String {
        var fields = ["\"ociVersion\":\(Log.quote(ociVersion))", "\"id\":\(Log.quote(id))", "\"pid\":\(pid)",
                      "\"status\":\(Log.quote(status.rawValue))", "\"bundle\":\(Log.quote(bundle))",
                      "\"rootfs\":\(Log.quote(rootfs))", "\"created\":\(Log.quote(created))"]
        if let annotations, !annotations.isEmpty {
            let body = annotations.sorted { $0.key < $1.key }.map { "\(Log.quote($0.key)):\(Log.quote($0.value))" }
            fields.append("\"annotations\":{" + body.joined(separator: ",") + "}")
        }
        fields.append("\"owner\":\(Log.quote(owner))")
        return "{" + fields.joined(separator: ",") + "}"
    }
}

extension Runtime {
    public func summary(_ state: ContainerState) -> ContainerSummary {
        let st = status(of: state)
        return ContainerSummary(id: state.id, pid: st == .stopped ? 0 : state.initPid, status: st, bundle: state.bundle,
                                rootfs: state.rootfs, created: state.created, owner: state.owner,
                                annotations: state.config.annotations, ociVersion: state.config.ociVersion)
    }

    public func state(id: String) throws(RuneError) -> ContainerSummary {
        let (state, lock) = try store.load(id)
        defer { _ = lock }
        return summary(state)
    }

    public func list() -> [ContainerSummary] {
        store.ids().compactMap { id in (try? store.read(id)).map(summary) }
    }

    /// Host pids of the container's processes (`rune ps`).
    public func pids(id: String) throws(RuneError) -> [Int32] {
        let (state, lock) = try store.load(id)
        defer { _ = lock }
        guard status(of: state) != .stopped else { throw RuneError(.invalidState, "container is not running") }
        do { return try CgroupManager(paths: state.cgroupPaths).pids() } catch { throw RuneError(.failed, "\(error)") }
    }
}
