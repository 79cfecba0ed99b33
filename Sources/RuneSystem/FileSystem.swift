import CRuneLinux
import Glibc

/// File helpers over the raw calls, each failure naming the path.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads a whole file. The corresponding system calls are `open(2)` and `read(2)`.
    public static func readBytes(_ path: String) throws(SyscallError) -> [UInt8] {
        let fd = try Syscall.check("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        return try readAll(fd: fd, context: path)
    }

    public static func readString(_ path: String) throws(SyscallError) -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    public static func readAll(fd: Int32, context: String) throws(SyscallError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = try Syscall.check("read", context) { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    public static func writeAll(fd: Int32, _ bytes: [UInt8], context: String) throws(SyscallError) {
        var offset = 0
        while offset < bytes.count {
            let n = try Syscall.check("write", context) {
                bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            }
            offset += n
        }
    }

    /// Writes a file in place (for /proc and cgroup files, which must not be replaced).
    public static func writeString(_ path: String, _ text: String, flags: Int32 = O_WRONLY | O_TRUNC) throws(SyscallError) {
        let fd = try Syscall.check("open", path) { open(path, flags | O_CLOEXEC, 0o644) }
        defer { close(fd) }
        try writeAll(fd: fd, Array(text.utf8), context: path)
    }

    /// Writes a file atomically: a temporary file in the same directory, fsync'd, then renamed over the target.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(SyscallError) {
        let tmp = path + ".tmp"
        let fd = try Syscall.check("open", tmp) { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
        do {
            try writeAll(fd: fd, bytes, context: tmp)
            try Syscall.check("fsync", tmp) { fsync(fd) }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        try Syscall.check("rename", path) { rename(tmp, path) }
    }

    /// Creates a directory and its parents; existing directories are fine.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(SyscallError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += prefix.isEmpty || prefix.hasSuffix("/") ? String(part) : "/" + part
            if mkdir(prefix, mode) != 0 && Glibc.errno != EEXIST {
                throw SyscallError(name: "mkdir", errno: Glibc.errno, context: prefix)
            }
        }
    }

    /// Removes a directory tree without following symlinks. Missing paths are fine.
    public static func removeTree(_ path: String) throws(SyscallError) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in try listDirectory(path) { try removeTree(path + "/" + name) }
            try Syscall.check("rmdir", path) { rmdir(path) }
        } else {
            try Syscall.check("unlink", path) { unlink(path) }
        }
    }

    public static func listDirectory(_ path: String) throws(SyscallError) -> [String] {
        let dir = try Syscall.checkPointer("opendir", path) { opendir(path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Resolves a path to an absolute one against the current directory (no symlink resolution).
    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buf, buf.count) != nil else { return path }
        return normalize(String(cString: buf) + "/" + path)
    }

    /// Removes ".", ".." and duplicate slashes lexically.
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
