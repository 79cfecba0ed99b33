import CRuneLinux
import Glibc
import RuneSystem

/// Writes a file at a path inside a container's rootfs, resolved as if the rootfs were "/" so that
/// neither ".." nor symlinks can lead outside it (for `attest --reportFile`).
public enum RootfsFile {
    public static func write(rootfs: String, path: String, bytes: [UInt8], mode: mode_t) throws(RuneError) {
        let normalized = FileSystem.normalize(path)
        let slash = normalized.lastIndex(of: "/") ?? normalized.startIndex
        let dir = String(normalized[..<slash])
        let name = String(normalized[normalized.index(after: slash)...])
        guard !name.isEmpty else { throw RuneError(.invalidArgument, "\(path): not a file path") }
        do {
            let root = try SafeRoot(rootfs)
            defer { root.close() }
            let dirFd = try Syscall.check("openat2", rootfs + dir) {
                rune_openat2_in_root(root.rootFd, dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
            }
            defer { close(dirFd) }
            let fd = try Syscall.check("open", rootfs + normalized) {
                openat(dirFd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
            }
            defer { close(fd) }
            try FileSystem.writeAll(fd: fd, bytes, context: rootfs + normalized)
            fchmod(fd, mode)
        } catch { throw RuneError(.failed, "\(error)") }
    }
}
