// Whole-file reads and writes with explicit modes, via libc (no Foundation in the PAL's process).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public struct FileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }

    static func errno(_ path: String, _ what: String) -> FileError {
        FileError(path: path, reason: "\(what): \(String(cString: strerror(Glibc.errno)))")
    }
}

public enum FileIO {
    /// Reads a whole regular file; `limit` guards against being pointed at something huge.
    public static func read(_ path: String, limit: Int = 256 << 20) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.errno(path, "open") }
        defer { close(fd) }
        return try readAll(fd: fd, path: path, limit: limit)
    }

    /// Reads from an already open descriptor from offset 0 with pread, leaving its offset alone.
    public static func readAll(fd: Int32, path: String, limit: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(result.count)) }
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw FileError.errno(path, "read")
            }
            if count == 0 { return result }
            result += chunk[0..<count]
            guard result.count <= limit else { throw FileError(path: path, reason: "larger than \(limit) bytes") }
        }
    }

    /// Writes a file with `mode`; `exclusive` refuses to replace an existing file.
    /// A partial write removes the file again, so failures leave nothing behind.
    public static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, exclusive: Bool = false) throws {
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC
        flags |= exclusive ? O_EXCL : O_TRUNC
        let fd = open(path, flags, mode)
        guard fd >= 0 else { throw FileError.errno(path, "create") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && Glibc.errno == EINTR { continue }
            if count <= 0 {
                let error = FileError.errno(path, "write")
                close(fd)
                unlink(path)
                throw error
            }
            written += count
        }
        fchmod(fd, mode)
        close(fd)
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
