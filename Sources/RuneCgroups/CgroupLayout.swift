import RuneSystem

/// How the cgroup file systems under the root are arranged.
public enum CgroupLayoutKind: String, Sendable, Equatable {
    /// cgroup v1 controllers only.
    case legacy
    /// v1 controllers plus a cgroup2 mount without controllers (`<root>/unified`), as systemd's hybrid mode.
    case hybrid
    /// cgroup2 mounted at the root itself.
    case unified
}

/// One cgroup file system mounted under the root, from /proc/self/mountinfo.
struct CgroupMountPoint: Sendable, Equatable {
    var mountPoint: String
    /// The mount's root inside its hierarchy (not "/" inside a cgroup namespace or for a bind mount).
    var hierarchyRoot: String
    var isCgroup2: Bool
    /// v1 subsystems carried by this hierarchy, as runc names them ("cpu", "name=systemd"); empty for cgroup2.
    var subsystems: [String]
}

/// The cgroup file systems found under a root: what kind of layout, and where each hierarchy is.
public struct CgroupLayout: Sendable, Equatable {
    public let kind: CgroupLayoutKind
    let v1: [CgroupMountPoint]
    let unified: CgroupMountPoint?

    /// The v1 subsystems rune joins, in runc's order (which is also the order limits are written in).
    static let knownSubsystems = [
        "cpuset", "devices", "memory", "cpu", "cpuacct", "pids", "blkio", "hugetlb",
        "net_cls", "net_prio", "perf_event", "freezer", "rdma", "name=systemd",
    ]

    /// Finds the layout under `root` from the file system types in `mountInfo` (the text of /proc/self/mountinfo).
    static func detect(root: String, mountInfo: String) throws(CgroupError) -> CgroupLayout {
        let root = FileSystem.normalize(root)
        var byPoint: [String: CgroupMountPoint] = [:]
        for entry in MountInfo.cgroupEntries(mountInfo) where entry.fsType == "cgroup" || entry.fsType == "cgroup2" {
            let point = FileSystem.normalize(entry.mountPoint)
            guard point == root || parentDirectory(point) == root else { continue }
            let subsystems = entry.superOptions.split(separator: ",").map(String.init)
                .filter { knownSubsystems.contains($0) }
            // A later line for the same mount point is mounted over the earlier one.
            byPoint[point] = CgroupMountPoint(mountPoint: point, hierarchyRoot: entry.root,
                                              isCgroup2: entry.fsType == "cgroup2", subsystems: subsystems)
        }
        if let top = byPoint[root] {
            guard top.isCgroup2 else { throw .layout("\(root) is a cgroup v1 hierarchy, expected a directory of hierarchies") }
            return CgroupLayout(kind: .unified, v1: [], unified: top)
        }
        let mounts = byPoint.values.sorted { $0.mountPoint < $1.mountPoint }
        let v1 = mounts.filter { !$0.isCgroup2 && !$0.subsystems.isEmpty }
        let unified = mounts.first { $0.isCgroup2 }
        guard !v1.isEmpty else {
            throw .layout("no cgroup v1 hierarchy or cgroup2 file system is mounted at or under \(root)")
        }
        return CgroupLayout(kind: unified == nil ? .legacy : .hybrid, v1: v1, unified: unified)
    }

    static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}

/// The fields of /proc/self/mountinfo that cgroup detection needs.
enum MountInfo {
    struct Entry {
        var root: String
        var mountPoint: String
        var fsType: String
        var superOptions: String
    }

    /// The cgroup and cgroup2 lines of mountinfo. Works on bytes, not Characters: grapheme breaking
    /// made this the costliest step of `rune create`.
    static func cgroupEntries(_ text: String) -> [Entry] {
        let bytes = Array(text.utf8)
        var entries: [Entry] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            if isCgroupLine(bytes[start..<end]), let entry = entry(bytes[start..<end]) { entries.append(entry) }
            start = end + 1
        }
        return entries
    }

    /// Only cgroup and cgroup2 mounts matter here: " - cgroup" follows the optional fields.
    private static func isCgroupLine(_ line: ArraySlice<UInt8>) -> Bool {
        let marker: [UInt8] = Array(" - cgroup".utf8)
        guard line.count >= marker.count else { return false }
        var i = line.startIndex
        while i + marker.count <= line.endIndex {
            if line[i] == marker[0] && line[i..<(i + marker.count)].elementsEqual(marker) { return true }
            i += 1
        }
        return false
    }

    private static func entry(_ line: ArraySlice<UInt8>) -> Entry? {
        var fields: [ArraySlice<UInt8>] = []
        var i = line.startIndex
        while i < line.endIndex {
            while i < line.endIndex && line[i] == UInt8(ascii: " ") { i += 1 }
            var end = i
            while end < line.endIndex && line[end] != UInt8(ascii: " ") { end += 1 }
            if end > i { fields.append(line[i..<end]) }
            i = end
        }
        guard let dash = fields.firstIndex(where: { $0.count == 1 && $0.first == UInt8(ascii: "-") }),
              dash >= 6, fields.count >= dash + 3 else { return nil }
        return Entry(root: unescape(fields[3]), mountPoint: unescape(fields[4]),
                     fsType: String(decoding: fields[dash + 1], as: UTF8.self),
                     superOptions: String(decoding: fields[dash + 3], as: UTF8.self))
    }

    /// mountinfo writes space, tab, newline and backslash as \ooo octal escapes.
    static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        let backslash = UInt8(ascii: "\\")
        guard bytes.contains(backslash) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == backslash, i + 4 <= bytes.endIndex, let code = octal(bytes[(i + 1)..<(i + 4)]) {
                out.append(code)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        var value: UInt16 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + UInt16(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}

/// /proc/<pid>/cgroup: the process's cgroup in each hierarchy.
struct ProcCgroup {
    /// v1 subsystem ("memory", "name=systemd") → path; "" → the cgroup2 path.
    var paths: [String: String]

    init(parsing text: String) {
        var paths: [String: String] = [:]
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(decoding: parts[2], as: UTF8.self)
            if parts[1].isEmpty {
                paths[""] = path
            } else {
                for name in parts[1].split(separator: UInt8(ascii: ",")) { paths[String(decoding: name, as: UTF8.self)] = path }
            }
        }
        self.paths = paths
    }
}
