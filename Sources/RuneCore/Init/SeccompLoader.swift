import OCISpec
import RuneSecurity

/// Seccomp in two halves: the host compiles the profile (cached by profile under the state root),
/// the init loads the ready program.
enum SeccompLoader {
    /// Host side: validates and compiles `linux.seccomp` into the init config. Bad profiles fail here.
    static func compile(into config: inout InitConfig) throws(RuneError) {
        guard let seccomp = config.spec.linux?.seccomp, ProcessSecurity.isSeccompEnabled(seccomp) else { return }
        do {
            let bpf = try ProcessSecurity.compileSeccomp(seccomp, cacheDir: config.seccompCacheDir)
            config.seccompFlags = try ProcessSecurity.seccompFlags(seccomp)
            config.seccompProgram = hexEncode(bpf)
        } catch { throw RuneError(.invalidArgument, "\(error)") }
    }

    /// Init side: loads the program compiled on the host.
    static func load(_ config: InitConfig) throws {
        guard let hex = config.seccompProgram, let bpf = hexDecode(hex) else { return }
        if try ProcessSecurity.loadCompiled(bpf, flags: config.seccompFlags) != nil {
            throw RuneError(.unsupported, "linux.seccomp: SCMP_ACT_NOTIFY listeners are not supported yet")
        }
    }
}

func hexEncode(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}

func hexDecode(_ text: String) -> [UInt8]? {
    var out = [UInt8]()
    out.reserveCapacity(text.utf8.count / 2)
    var high: UInt8?
    for c in text.utf8 {
        let v: UInt8
        switch c {
        case 48...57: v = c - 48
        case 97...102: v = c - 87
        default: return nil
        }
        if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    return high == nil ? out : nil
}
