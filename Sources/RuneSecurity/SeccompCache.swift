import CSeccomp
import Glibc
import OCISpec
import RuneSystem

/// Compiled seccomp programs on disk, one file per profile: `<dir>/<fnv1a-64 of the key>.bpf` holding a magic line,
/// the full key and the BPF. The key is the profile's JSON (as OCISpec encodes it, fields in a fixed order) after
/// the libseccomp version and native architecture (the BPF depends on both). A hit must match the stored key byte
/// for byte, so a hash collision or a torn file is a miss, never a wrong filter. The directory must be writable by
/// root only (it lives under rune's root): whoever can write it can choose the filter.
enum SeccompCache {
    private static let magic = Array("rune-seccomp-bpf 1\n".utf8)

    /// Bump when rune changes how it generates programs (filter attributes, the -ENOSYS stub), so old files miss.
    private static let generator = "rune seccomp 2 (tree, enosys stub)"

    static func key(_ seccomp: LinuxSeccomp) -> [UInt8] {
        let version = seccomp_version().pointee
        let build = "\(generator), libseccomp \(version.major).\(version.minor).\(version.micro) native \(seccomp_arch_native())\n"
        return Array(build.utf8) + Array(OCIJSON.encode(seccomp).utf8)
    }

    static func path(dir: String, key: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return dir + "/" + String(repeating: "0", count: 16 - hex.count) + hex + ".bpf"
    }

    /// The cached program, or nil when there is none or it does not match `key`.
    static func read(dir: String, key: [UInt8]) -> [UInt8]? {
        guard let data = try? FileSystem.readBytes(path(dir: dir, key: key)) else { return nil }
        let header = magic + lengthBytes(key.count) + key
        guard data.count > header.count, data.starts(with: header) else { return nil }
        let bpf = Array(data[header.count...])
        return bpf.count % 8 == 0 ? bpf : nil
    }

    /// Stores a program: written to a temporary file unique to this process, then renamed into place, so concurrent
    /// `rune create`s of the same profile never see a partial file.
    static func write(dir: String, key: [UInt8], bpf: [UInt8]) throws(SecurityError) {
        let target = path(dir: dir, key: key)
        let temporary = target + ".\(getpid()).tmp"
        do {
            try FileSystem.makeDirectories(dir, mode: 0o700)
            let fd = try Syscall.check("open", temporary) { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
            defer { close(fd) }
            try FileSystem.writeAll(fd: fd, magic + lengthBytes(key.count) + key + bpf, context: temporary)
            try Syscall.check("rename", target) { rename(temporary, target) }
        } catch {
            unlink(temporary)
            throw .system(error)
        }
    }

    private static func lengthBytes(_ count: Int) -> [UInt8] { Array("\(count)\n".utf8) }
}
