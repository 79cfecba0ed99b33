import Glibc
import RuneSystem

/// A throw-away directory standing in for /sys/fs/cgroup: control files are plain files that the
/// manager writes into, so tests can read back exactly what it wrote.
final class TestTree {
    let root: String

    init() {
        var template = Array("/tmp/rune-cgroups-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        root = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileSystem.removeTree(root) }

    /// Creates `relative` (a file) with `content`, making its directories.
    func file(_ relative: String, _ content: String = "") {
        let path = root + "/" + relative
        try! FileSystem.makeDirectories(String(path[..<path.lastIndex(of: "/")!]))
        try! FileSystem.writeString(path, content, flags: O_WRONLY | O_CREAT | O_TRUNC)
    }

    func dir(_ relative: String) { try! FileSystem.makeDirectories(root + "/" + relative) }

    func read(_ relative: String) -> String { (try? FileSystem.readString(root + "/" + relative)) ?? "<missing>" }

    func path(_ relative: String) -> String { root + "/" + relative }

    /// mountinfo lines for a hybrid host like the test machine: v1 controllers in their own
    /// directories, name=systemd, and cgroup2 at unified.
    func hybridMountInfo(extra: [String] = []) -> String {
        var lines = ["20 1 0:18 / \(root) rw,nosuid - tmpfs tmpfs rw,mode=755"]
        var id = 21
        for name in ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids"] + extra {
            lines.append("\(id) 20 0:\(id) / \(root)/\(name) rw,relatime - cgroup cgroup rw,\(name)")
            id += 1
        }
        lines.append("40 20 0:40 / \(root)/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd")
        lines.append("41 20 0:41 / \(root)/unified rw,relatime - cgroup2 cgroup2 rw")
        return lines.joined(separator: "\n") + "\n"
    }
}
