import Glibc
import OCISpec
import RuneSystem

/// Mount(2) flags and data parsed from an OCI mount's options, as runc's parseMountOptions does.
struct MountOptions {
    var flags: UInt = 0
    var clearFlags: UInt = 0
    var propagation: [UInt] = []
    var data: [String] = []
    var isBind: Bool { flags & UInt(MS_BIND) != 0 }

    static let setting: [String: (clear: Bool, flag: UInt)] = [
        "ro": (false, UInt(MS_RDONLY)), "rw": (true, UInt(MS_RDONLY)),
        "nosuid": (false, UInt(MS_NOSUID)), "suid": (true, UInt(MS_NOSUID)),
        "nodev": (false, UInt(MS_NODEV)), "dev": (true, UInt(MS_NODEV)),
        "noexec": (false, UInt(MS_NOEXEC)), "exec": (true, UInt(MS_NOEXEC)),
        "sync": (false, UInt(MS_SYNCHRONOUS)), "async": (true, UInt(MS_SYNCHRONOUS)),
        "dirsync": (false, UInt(MS_DIRSYNC)), "remount": (false, UInt(MS_REMOUNT)),
        "mand": (false, UInt(MS_MANDLOCK)), "nomand": (true, UInt(MS_MANDLOCK)),
        "noatime": (false, UInt(MS_NOATIME)), "atime": (true, UInt(MS_NOATIME)),
        "nodiratime": (false, UInt(MS_NODIRATIME)), "diratime": (true, UInt(MS_NODIRATIME)),
        "bind": (false, UInt(MS_BIND)), "rbind": (false, UInt(MS_BIND) | UInt(MS_REC)),
        "relatime": (false, UInt(MS_RELATIME)), "norelatime": (true, UInt(MS_RELATIME)),
        "strictatime": (false, UInt(MS_STRICTATIME)), "nostrictatime": (true, UInt(MS_STRICTATIME)),
        "silent": (false, UInt(MS_SILENT)), "loud": (true, UInt(MS_SILENT)),
    ]
    static let propagationFlags: [String: UInt] = [
        "private": UInt(MS_PRIVATE), "rprivate": UInt(MS_PRIVATE) | UInt(MS_REC),
        "shared": UInt(MS_SHARED), "rshared": UInt(MS_SHARED) | UInt(MS_REC),
        "slave": UInt(MS_SLAVE), "rslave": UInt(MS_SLAVE) | UInt(MS_REC),
        "unbindable": UInt(MS_UNBINDABLE), "runbindable": UInt(MS_UNBINDABLE) | UInt(MS_REC),
    ]

    init(_ options: [String]?, type: String?) {
        for option in options ?? [] {
            if let (clear, flag) = Self.setting[option] {
                if clear { flags &= ~flag; clearFlags |= flag } else { flags |= flag }
            } else if let p = Self.propagationFlags[option] {
                propagation.append(p)
            } else if option == "tmpcopyup" || option == "idmap" || option == "ridmap"
                        || option.hasBytePrefix("r") && Self.setting[String(option.dropFirst())] != nil {
                continue // recursive attributes and extensions runc handles elsewhere
            } else {
                data.append(option)
            }
        }
        if type == "bind" || type == "rbind" { flags |= UInt(MS_BIND) }
    }

    var dataString: String { data.joined(byte: UInt8(ascii: ",")) }
}
