import Glibc
import RuneSystem

/// pause/resume: the v1 freezer (freezer.state) or cgroup2's cgroup.freeze.
extension CgroupManager {
    /// Freezes every task and waits until the kernel reports the cgroup frozen.
    public func freeze() throws(CgroupError) {
        if let dir = paths["freezer"] {
            try freezeLegacy(dir)
        } else if let dir = unifiedPath, CgroupFiles.exists(dir + "/cgroup.freeze") {
            try CgroupFiles.write(dir + "/cgroup.freeze", "1")
            try waitUntil(dir + "/cgroup.events", reads: "frozen 1", whileWaiting: {})
        } else {
            throw .unsupported(field: "pause", reason: "no freezer: neither a freezer hierarchy nor cgroup.freeze")
        }
    }

    public func thaw() throws(CgroupError) {
        if let dir = paths["freezer"] {
            try CgroupFiles.write(dir + "/freezer.state", "THAWED")
            try waitUntil(dir + "/freezer.state", reads: "THAWED", whileWaiting: {})
        } else if let dir = unifiedPath, CgroupFiles.exists(dir + "/cgroup.freeze") {
            try CgroupFiles.write(dir + "/cgroup.freeze", "0")
            try waitUntil(dir + "/cgroup.events", reads: "frozen 0", whileWaiting: {})
        } else {
            throw .unsupported(field: "resume", reason: "no freezer: neither a freezer hierarchy nor cgroup.freeze")
        }
    }

    /// "FROZEN" when the cgroup is frozen (or freezing), otherwise "THAWED"; a missing cgroup is "THAWED".
    public func freezerState() -> String {
        if let dir = paths["freezer"] {
            let state = CgroupFiles.readTrimmed(dir + "/freezer.state") ?? "THAWED"
            return state == "THAWED" ? "THAWED" : "FROZEN"
        }
        if let dir = unifiedPath {
            return CgroupFiles.readTrimmed(dir + "/cgroup.freeze") == "1" ? "FROZEN" : "THAWED"
        }
        return "THAWED"
    }

    /// v1 freezing can stall in FREEZING while a task sits in an uninterruptible sleep; writing
    /// FROZEN again nudges the kernel, as runc does.
    private func freezeLegacy(_ dir: String) throws(CgroupError) {
        let file = dir + "/freezer.state"
        try CgroupFiles.write(file, "FROZEN")
        var writes = 0
        do {
            try waitUntil(file, reads: "FROZEN") { () throws(CgroupError) in
                writes += 1
                if writes % 50 == 0 { try CgroupFiles.write(file, "FROZEN") }
            }
        } catch {
            try? CgroupFiles.write(file, "THAWED")
            throw error
        }
    }

    /// Polls a file until one of its lines equals `expected`, for up to about 5 s.
    private func waitUntil(_ path: String, reads expected: String,
                           whileWaiting: () throws(CgroupError) -> Void) throws(CgroupError) {
        var delay: UInt32 = 100
        for _ in 0..<2_000 {
            let text = try CgroupFiles.read(path)
            if text.split(separator: "\n").contains(where: { $0 == expected }) { return }
            try whileWaiting()
            usleep(delay)
            delay = min(delay * 2, 2_500)
        }
        throw .layout("\(path) did not become \"\(expected)\" within 5 s")
    }
}
