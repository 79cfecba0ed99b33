import CRuneLinux
import Glibc
import RuneSystem

/// The container's init and exec processes run from a sealed in-memory copy of the rune binary, so a
/// process in the container cannot reach the host binary through /proc/self/exe and overwrite it
/// (the CVE-2019-5736 class; runc and crun do the same).
enum SealedBinary {
    /// Copies `path` into a sealed memfd and returns the memfd (not close-on-exec: it is exec'd by path).
    static func make(from path: String) throws(RuneError) -> Int32 {
        do {
            let source = try Syscall.check("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
            defer { close(source) }
            var st = stat()
            try Syscall.check("fstat", path) { fstat(source, &st) }
            let memfd = try Syscall.check("memfd_create", "rune") {
                rune_memfd_create("rune", 0x0002 /* MFD_ALLOW_SEALING */ | 0x0001 /* MFD_CLOEXEC */)
            }
            var remaining = Int(st.st_size)
            while remaining > 0 {
                let n = try Syscall.check("sendfile", path) { sendfile(memfd, source, nil, remaining) }
                if n == 0 { break }
                remaining -= n
            }
            // F_ADD_SEALS with SEAL, SHRINK, GROW and WRITE: nothing can change the copy any more.
            try Syscall.check("fcntl", "F_ADD_SEALS") { fcntl(memfd, 1033, Int32(0x0001 | 0x0002 | 0x0004 | 0x0008)) }
            return memfd
        } catch { throw RuneError(.failed, "sealed copy of \(path): \(error)") }
    }
}
