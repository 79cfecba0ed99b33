import Glibc
import OCISpec
import RuneCore

/// Which enclave hardware this host has. `sim` is always available unless /etc/rune/no-sim exists (host policy).
enum HostProbe {
    static func check(type: String, source: String) throws(RuneError) {
        let ok: Bool
        switch type {
        case "sim": ok = access("/etc/rune/no-sim", F_OK) != 0
        case "intelSgx": ok = ["/dev/sgx_enclave", "/dev/sgx/enclave", "/dev/isgx"].contains(where: isMiscDevice)
        case "AwsNitroEnclaves": ok = isMiscDevice("/dev/nitro_enclaves")
        case "Jailhouse": ok = isMiscDevice("/dev/jailhouse")
        default: ok = false
        }
        if !ok { throw RuneError(.unsupported, "\(source): enclave hardware type (\(type)) is not supported on this host") }
    }

    /// A character device with major 10 (misc), as the reference checks.
    static func isMiscDevice(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFCHR else { return false }
        return (st.st_rdev >> 8) & 0xfff == 10
    }
}

/// Devices and mounts an enclave type needs, added when present on the host and not already configured.
enum DeviceInjection {
    static let devices: [String: [String]] = [
        "intelSgx": ["/dev/sgx_enclave", "/dev/sgx/enclave", "/dev/sgx_provision", "/dev/sgx/provision", "/dev/isgx", "/dev/gsgx"],
        "AwsNitroEnclaves": ["/dev/nitro_enclaves"],
        "Jailhouse": ["/dev/jailhouse"],
    ]

    static func apply(type: String, spec: inout Spec) throws(RuneError) {
        for path in devices[type] ?? [] where HostProbe.isMiscDevice(path) {
            if spec.linux?.devices?.contains(where: { $0.path == path }) == true { continue }
            var st = stat()
            _ = stat(path, &st)
            let device = LinuxDevice(path: path, type: "c", major: Int64((st.st_rdev >> 8) & 0xfff),
                                     minor: Int64((st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00)), fileMode: 0o666, uid: 0, gid: 0)
            let devices = spec.linux?.devices ?? []
            spec.linux?.devices = devices + [device]
            let rule = LinuxDeviceCgroup(allow: true, type: "c", major: device.major, minor: device.minor, access: "rwm")
            let rules = spec.linux?.resources?.devices ?? []
            spec.linux?.resources?.devices = rules + [rule]
        }
        if type == "intelSgx", access("/var/run/aesmd", F_OK) == 0,
           !(spec.mounts ?? []).contains(where: { $0.destination == "/var/run/aesmd" || $0.destination == "/run/aesmd" }) {
            spec.mounts = (spec.mounts ?? []) + [Mount(destination: "/var/run/aesmd", type: "bind", source: "/var/run/aesmd",
                                                       options: ["rbind", "rprivate"])]
        }
    }
}
