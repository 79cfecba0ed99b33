import CRuneLinux
import Glibc
import RuneCore
import RuneSystem

/// The software TEE's platform secret: 32 random bytes in a root-only file on the host. The init-runelet
/// opens it before pivot_root and hands the fd to the PAL in RUNE_SIM_PLATFORM_FD; the container never sees it.
enum SimPlatform {
    static var seedPath: String { String(cString: getenv("RUNE_SIM_PLATFORM_SEED") ?? strdup("/var/lib/rune/sim/platform.seed")) }

    /// Creates the seed on first use (host side, at create).
    static func ensureSeed() throws(RuneError) {
        let path = seedPath
        if FileSystem.exists(path) { return }
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        var seed = [UInt8](repeating: 0, count: 32)
        do {
            try FileSystem.makeDirectories(dir, mode: 0o700)
            try Syscall.check("getentropy") { seed.withUnsafeMutableBytes { getentropy($0.baseAddress, 32) } }
            try FileSystem.writeAtomically(path, seed, mode: 0o600)
        } catch { throw RuneError(.failed, "sim platform seed \(path): \(error)") }
    }

    static func exportSeed() throws {
        let path = seedPath
        let fd = try Syscall.check("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
        setenv("RUNE_SIM_PLATFORM_FD", String(fd), 1)
    }
}

func rune_set_name(_ name: String) -> Int32 {
    name.withCString { rune_prctl(15 /* PR_SET_NAME */, UInt(bitPattern: $0), 0, 0, 0) }
}
