import CRuneLinux
import Glibc
import OCISpec
import RuneSystem

/// Post-pivot settings of the container's namespaces: names, sysctls, read-only and masked paths.
enum Protections {
    static func apply(_ spec: Spec) throws(RuneError) {
        do {
            if let hostname = spec.hostname, !hostname.isEmpty {
                try Syscall.check("sethostname", hostname) { rune_sethostname(hostname, hostname.utf8.count) }
            }
            if let domain = spec.domainname, !domain.isEmpty {
                try Syscall.check("setdomainname", domain) { rune_setdomainname(domain, domain.utf8.count) }
            }
            for (key, value) in (spec.linux?.sysctl ?? [:]).sorted(by: { $0.key < $1.key }) {
                let path = "/proc/sys/" + key.replacingDots()
                try FileSystem.writeString(path, value)
            }
            for path in spec.linux?.readonlyPaths ?? [] { try readonly(path) }
            for path in spec.linux?.maskedPaths ?? [] { try mask(path) }
        } catch { throw RuneError(.failed, "\(error)") }
    }

    /// Bind the path onto itself and remount it read-only; absent paths are skipped as runc does.
    static func readonly(_ path: String) throws(SyscallError) {
        guard FileSystem.exists(path) else { return }
        try mountCall(path, path, "bind", UInt(MS_BIND) | UInt(MS_REC), nil, context: path)
        var st = statvfs()
        var keep: UInt = 0
        if statvfs(path, &st) == 0 { keep = UInt(st.f_flag) & (UInt(MS_NOSUID) | UInt(MS_NODEV) | UInt(MS_NOEXEC)) }
        try mountCall(nil, path, nil, UInt(MS_BIND) | UInt(MS_REMOUNT) | UInt(MS_RDONLY) | UInt(MS_REC) | keep, nil, context: path)
    }

    /// Directories get an empty read-only tmpfs, files /dev/null, as runc does.
    static func mask(_ path: String) throws(SyscallError) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        // A symlink is followed, as mount(2) will; anything else is what lstat saw.
        if (st.st_mode & S_IFMT) == S_IFLNK ? FileSystem.isDirectory(path) : (st.st_mode & S_IFMT) == S_IFDIR {
            try mountCall("tmpfs", path, "tmpfs", UInt(MS_RDONLY), nil, context: path)
        } else {
            try mountCall("/dev/null", path, "bind", UInt(MS_BIND), nil, context: path)
        }
    }
}

extension String {
    /// sysctl keys use dots; /proc/sys uses slashes (a key may already use slashes).
    func replacingDots() -> String { String(map { $0 == "." ? "/" : $0 }) }
}
