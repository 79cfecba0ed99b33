import Glibc
import OCISpec
import RuneCore
import RuneSystem

/// Wires enclave containers into RuneCore: the host-side resolver and agent client, and the init-runelet.
public enum EnclaveSupport {
    public static func install(into runtime: inout Runtime) {
        runtime.enclaveResolver = { (spec: inout Spec, bundle: String) throws(RuneError) -> EnclaveSettings? in
            guard let settings = try EnclaveConfig.resolve(&spec, bundle: bundle) else { return nil }
            try checkRunelet()
            return settings
        }
        runtime.enclaveOps = EnclaveClient()
        runtime.initExecutable = { enclave in
            guard enclave != nil else { return "/proc/self/exe" }
            return runeletPath() ?? "/proc/self/exe"
        }
    }

    public static func installInit() {
        ContainerInit.enclavePreload = InitRunelet.preload
        ContainerInit.enclaveMain = InitRunelet.main
    }

    /// The dynamically linked build of rune that can host Swift PALs: RUNE_RUNELET, or
    /// `<prefix>/lib/rune/rune-runelet` beside `<prefix>/bin/rune`.
    static func runeletPath() -> String? {
        if let env = getenv("RUNE_RUNELET") { return String(cString: env) }
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        let exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bin = String(exe[..<(exe.lastIndex(of: "/") ?? exe.startIndex)])
        let candidate = bin + "/../lib/rune/rune-runelet"
        return access(candidate, X_OK) == 0 ? FileSystem.normalize(candidate) : nil
    }

    /// Fails before anything is created when no init could host a PAL: a static executable cannot dlopen
    /// (a PAL loaded into one crashes at its first call), so a static rune needs the dynamic runelet.
    static func checkRunelet() throws(RuneError) {
        if let env = getenv("RUNE_RUNELET") {
            let path = String(cString: env)
            guard access(path, X_OK) == 0 else { throw RuneError(.invalidArgument, "RUNE_RUNELET=\(path): \(String(cString: strerror(errno)))") }
            return
        }
        if runeletPath() == nil && !hasDynamicLoader() {
            throw RuneError(.unsupported, "enclave containers need the dynamically linked runelet: install lib/rune/rune-runelet "
                + "beside bin/rune or set RUNE_RUNELET (this rune is a static executable and cannot load a PAL)")
        }
    }

    /// AT_BASE in /proc/self/auxv is the dynamic loader's address: 0 (or absent) in a static executable.
    static func hasDynamicLoader() -> Bool {
        let fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var pair: (UInt64, UInt64) = (0, 0)
        while withUnsafeMutableBytes(of: &pair, { read(fd, $0.baseAddress, 16) }) == 16 && pair.0 != 0 {
            if pair.0 == 7 /* AT_BASE */ { return pair.1 != 0 }
        }
        return false
    }

    /// `rune attest`: evidence from a running enclave container.
    public static func attest(runtime: Runtime, id: String, reportData: [UInt8], local: Bool) throws(RuneError) -> [UInt8] {
        let (state, lock) = try runtime.store.load(id)
        defer { _ = lock }
        guard runtime.status(of: state) != .stopped else { throw RuneError(.invalidState, "cannot attest a container that has stopped") }
        guard state.enclave != nil else { throw RuneError(.invalidArgument, "cannot attest container \(id): it is not an enclave container") }
        return try EnclaveClient().attest(stateDir: runtime.store.directory(id), reportData: reportData, local: local)
    }
}
