import Glibc
import RuneSystem

/// Reads and writes of cgroup control files. Writes go straight to the file (never a temporary file and
/// rename): a control file takes one value per write(2). O_TRUNC is a no-op on cgroupfs and lets the
/// tests' plain-file trees read back exactly the last value.
enum CgroupFiles {
    static func write(_ path: String, _ value: String) throws(CgroupError) {
        do {
            try FileSystem.writeString(path, value, flags: O_WRONLY | O_TRUNC)
        } catch {
            throw .write(path: path, value: value, errno: error.errno)
        }
    }

    static func read(_ path: String) throws(CgroupError) -> String {
        do {
            return try FileSystem.readString(path)
        } catch {
            throw .read(path: path, errno: error.errno)
        }
    }

    /// The file's text without the trailing newline, or nil when it cannot be read.
    static func readTrimmed(_ path: String) -> String? {
        guard let text = try? FileSystem.readString(path) else { return nil }
        return trim(text)
    }

    static func trim(_ text: String) -> String {
        text.trimmingBytes { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// A number file such as memory.usage_in_bytes; "max" reads as UInt64.max; missing or unparsable is 0.
    static func readUInt(_ path: String) -> UInt64 {
        guard let text = readTrimmed(path) else { return 0 }
        if text == "max" { return UInt64.max }
        return UInt64(text) ?? 0
    }

    /// "key value" lines (memory.stat, cpu.stat, memory.events) as a dictionary.
    static func readKeyValues(_ path: String) -> [String: UInt64] {
        guard let text = try? FileSystem.readString(path) else { return [:] }
        var out: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = UInt64(parts[1]) else { continue }
            out[String(parts[0])] = value
        }
        return out
    }

    static func exists(_ path: String) -> Bool { FileSystem.exists(path) }

    static func makeDirectory(_ path: String) throws(CgroupError) {
        do { try FileSystem.makeDirectories(path) } catch { throw .system(error) }
    }

    /// `makeDirectory` that appends every directory it made to `made`, parents first (so that a failed
    /// create can remove exactly those).
    static func makeDirectory(_ path: String, made: inout [String]) throws(CgroupError) {
        do { try FileSystem.makeDirectories(path, made: &made) } catch { throw .system(error) }
    }

    /// Sub-directories (child cgroups) of a cgroup directory.
    static func childCgroups(_ path: String) -> [String] {
        guard let names = try? FileSystem.subdirectories(path) else { return [] }
        return names.map { path + "/" + $0 }
    }

    /// Removes a cgroup and its children, deepest first. A missing directory is fine; EBUSY (the
    /// kernel still tearing down exited tasks) is retried a few times with short pauses.
    static func removeCgroup(_ path: String) throws(CgroupError) {
        // Most cgroups have no children: try rmdir first and only walk the directory when it is refused.
        if rmdir(path) == 0 || errno == ENOENT { return }
        guard FileSystem.isDirectory(path) else { return }
        for child in childCgroups(path) { try removeCgroup(child) }
        var delay: UInt32 = 1_000
        for attempt in 0..<8 {
            do {
                try Syscall.check("rmdir", path) { rmdir(path) }
                return
            } catch {
                if error.errno == ENOENT { return }
                if error.errno != EBUSY || attempt == 7 { throw .system(error) }
            }
            usleep(delay)
            delay *= 2
        }
    }
}
