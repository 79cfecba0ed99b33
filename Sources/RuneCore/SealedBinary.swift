import CRuneLinux
import Glibc
import RuneSystem

/// The container's init and exec processes never run from a writable view of the host's rune binary,
/// so a process in the container cannot overwrite it through /proc/<pid>/exe (the CVE-2019-5736 class).
/// As root, rune execs itself through a read-only bind mount that is detached at once (runc 1.1's way,
/// a few syscalls); otherwise it copies itself into a sealed memfd (about 10 MB of copying).
enum SealedBinary {
    /// Returns an fd to exec through `/proc/self/fd/<fd>`.
    static func make(from path: String, scratchDir: String) throws(RuneError) -> Int32 {
        if geteuid() == 0, let fd = readOnlyView(of: path, scratchDir: scratchDir) { return fd }
        return try sealedCopy(of: path)
    }

    /// A bind mount of the binary over an empty file, remounted read-only, opened, then detached and removed.
    static func readOnlyView(of path: String, scratchDir: String) -> Int32? {
        let target = scratchDir + "/.rune-exe-" + String(decimal: getpid())
        let placeholder = open(target, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o500)
        guard placeholder >= 0 else { return nil }
        close(placeholder)
        defer { unlink(target) }
        guard mount(path, target, nil, UInt(MS_BIND), nil) == 0 else { return nil }
        defer { umount2(target, Int32(MNT_DETACH)) }
        guard mount(nil, target, nil, UInt(MS_REMOUNT) | UInt(MS_BIND) | UInt(MS_RDONLY), nil) == 0 else { return nil }
        let fd = open(target, RUNE_O_PATH | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    static func sealedCopy(of path: String) throws(RuneError) -> Int32 {
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
