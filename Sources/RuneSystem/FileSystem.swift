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
        var chunk = [UInt8](repeating: 0, count: 4096)  // small: zeroed pages count in peak RSS
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
    /// Writes through a temporary file and rename, so readers see the old or the new content. There is
    /// no fsync: what is written here (state, pid files) describes processes that a crash ends anyway.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(SyscallError) {
        let tmp = path + ".tmp"
        let fd = try Syscall.check("open", tmp) { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
        do {
            try writeAll(fd: fd, bytes, context: tmp)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        try Syscall.check("rename", path) { rename(tmp, path) }
    }

    /// Creates a directory and its parents; existing directories are fine. The leaf is tried first:
    /// parents usually exist (a cgroup hierarchy, the state root).
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(SyscallError) {
        var made: [String] = []
        try makeDirectories(path, mode: mode, made: &made)
    }

    /// `makeDirectories` that appends every directory it made to `made`, parents first (so that a caller
    /// undoing a failed step can remove exactly those).
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755, made: inout [String]) throws(SyscallError) {
        if mkdir(path, mode) == 0 { return made.append(path) }
        let err = Glibc.errno
        if err == EEXIST {
            if isDirectory(path) { return }
            throw SyscallError(name: "mkdir", errno: ENOTDIR, context: path)
        }
        guard err == ENOENT, let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex else {
            throw SyscallError(name: "mkdir", errno: err, context: path)
        }
        try makeDirectories(String(path[..<slash]), mode: mode, made: &made)
        if mkdir(path, mode) == 0 { return made.append(path) }
        if Glibc.errno != EEXIST { throw SyscallError(name: "mkdir", errno: Glibc.errno, context: path) }
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
        var names: [String] = []
        try forEachEntry(path) { name, _ in names.append(name) }
        return names
    }

    /// Names of the sub-directories of `path` (not symlinks to directories).
    public static func subdirectories(_ path: String) throws(SyscallError) -> [String] {
        try entries(path, ofType: S_IFDIR)
    }

    /// Names of the entries of `path` of one file type (S_IFDIR, S_IFLNK...), symlinks not followed. Uses
    /// the directory entry's type and stats only where the file system does not fill it in.
    public static func entries(_ path: String, ofType mode: mode_t) throws(SyscallError) -> [String] {
        let wanted = UInt8(truncatingIfNeeded: mode >> 12)  // DT_* is the S_IF* type shifted down
        var names: [String] = []
        try forEachEntry(path) { name, type in
            if type == wanted {
                names.append(name)
            } else if Int32(type) == Int32(DT_UNKNOWN) {
                var st = stat()
                if lstat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == mode { names.append(name) }
            }
        }
        return names
    }

    /// Calls `body` with the name and d_type of every entry but "." and "..".
    private static func forEachEntry(_ path: String, _ body: (String, UInt8) -> Void) throws(SyscallError) {
        let dir = try Syscall.checkPointer("opendir", path) { opendir(path) }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { body(name, entry.pointee.d_type) }
        }
    }

    /// Resolves a path to an absolute one against the current directory (no symlink resolution).
    public static func absolute(_ path: String) -> String {
        if path.hasBytePrefix("/") { return normalize(path) }
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buf, buf.count) != nil else { return path }
        return normalize(buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } + "/" + path)
    }

    /// Removes ".", ".." and duplicate slashes lexically.
    public static func normalize(_ path: String) -> String {
        if isNormalized(path) { return path }
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let bytes = Array(path.utf8)
        var out: [UInt8] = []
        var starts: [Int] = []  // where each kept component's leading slash is in `out`
        var i = 0
        while i < bytes.count {
            while i < bytes.count && bytes[i] == slash { i += 1 }
            var end = i
            while end < bytes.count && bytes[end] != slash { end += 1 }
            let length = end - i
            if length == 2 && bytes[i] == dot && bytes[i + 1] == dot {
                if let start = starts.popLast() { out.removeSubrange(start...) }
            } else if length > 0 && !(length == 1 && bytes[i] == dot) {
                starts.append(out.count)
                out.append(slash)
                out.append(contentsOf: bytes[i..<end])
            }
            i = end
        }
        return out.isEmpty ? "/" : String(decoding: out, as: UTF8.self)
    }

    /// Substring search without the _StringProcessing module (rune links without it: fewer shared
    /// libraries for the runelet to load at every enclave container start).
    public static func contains(_ text: String, _ needle: String) -> Bool {
        let hay = Array(text.utf8), pin = Array(needle.utf8)
        guard !pin.isEmpty else { return true }
        guard hay.count >= pin.count else { return false }
        for start in 0...(hay.count - pin.count) where hay[start..<(start + pin.count)].elementsEqual(pin) { return true }
        return false
    }

    /// True for "/" and for absolute paths without empty, "." or ".." components or a trailing slash.
    static func isNormalized(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var bytes = path.utf8.makeIterator()
        guard bytes.next() == slash else { return false }
        var component = 0, dots = 0, sawAny = false
        while let byte = bytes.next() {
            sawAny = true
            if byte == slash {
                if component == 0 || component == dots && dots <= 2 { return false }
                component = 0; dots = 0
            } else {
                component += 1
                if byte == dot { dots += 1 }
            }
        }
        return !sawAny || (component > 0 && !(component == dots && dots <= 2))
    }
}
