import CShimLinux
import Glibc
import ShimProto

/// Mounts the rootfs containerd's snapshotter returned onto `<bundle>/rootfs`, as runc's shim does.
enum RootfsMounts {
    private static let flagTable: [String: (clear: Bool, flag: UInt)] = [
        "ro": (false, UInt(MS_RDONLY)), "rw": (true, UInt(MS_RDONLY)),
        "nosuid": (false, UInt(MS_NOSUID)), "suid": (true, UInt(MS_NOSUID)),
        "nodev": (false, UInt(MS_NODEV)), "dev": (true, UInt(MS_NODEV)),
        "noexec": (false, UInt(MS_NOEXEC)), "exec": (true, UInt(MS_NOEXEC)),
        "sync": (false, UInt(MS_SYNCHRONOUS)), "async": (true, UInt(MS_SYNCHRONOUS)),
        "noatime": (false, UInt(MS_NOATIME)), "atime": (true, UInt(MS_NOATIME)),
        "nodiratime": (false, UInt(MS_NODIRATIME)), "relatime": (false, UInt(MS_RELATIME)),
        "strictatime": (false, UInt(MS_STRICTATIME)), "remount": (false, UInt(MS_REMOUNT)),
        "bind": (false, UInt(MS_BIND)), "rbind": (false, UInt(MS_BIND | MS_REC)),
        "defaults": (false, 0),
    ]

    /// Splits mount options into mount(2) flags and the data string.
    static func parse(_ options: [String]) -> (flags: UInt, data: String) {
        var flags: UInt = 0
        var data: [String] = []
        for option in options {
            if let entry = flagTable[option] {
                if entry.clear { flags &= ~entry.flag } else { flags |= entry.flag }
            } else {
                data.append(option)
            }
        }
        return (flags, data.joined(separator: ","))
    }

    static func mountAll(_ mounts: [Containerd_Types_Mount], on target: String) throws {
        var done: [String] = []
        for m in mounts {
            do {
                try mountOne(m, on: target)
                done.append(target)
            } catch {
                for t in done.reversed() { _ = cshim_umount(t, 1) }
                throw error
            }
        }
    }

    private static func mountOne(_ m: Containerd_Types_Mount, on target: String) throws {
        let (flags, data) = parse(m.options)
        let type = m.type == "bind" ? "none" : m.type
        let isBind = flags & UInt(MS_BIND) != 0
        var rc = cshim_mount(m.source, target, type, isBind ? flags & ~UInt(MS_RDONLY) : flags, data)
        if rc == 0 && isBind && flags & UInt(MS_RDONLY) != 0 {
            // A read-only bind needs a second, remounting call.
            rc = cshim_mount("", target, "", flags | UInt(MS_REMOUNT), "")
            if rc != 0 { _ = cshim_umount(target, 1) }
        }
        guard rc == 0 else {
            throw ShimError.failed("mount \(m.type) \(m.source) on \(target) (options \(m.options.joined(separator: ","))): \(Sys.errnoText())")
        }
    }

    /// Unmounts everything stacked on `target`; missing or unmounted targets are fine.
    static func unmountAll(_ target: String) {
        for _ in 0..<16 {
            if cshim_umount(target, 0) != 0 {
                if errno == EBUSY { _ = cshim_umount(target, 1) } else { return }
            }
        }
    }
}
