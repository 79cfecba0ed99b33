import Glibc
import OCISpec
import RuneCore
import RuneSystem

/// Wires enclave containers into RuneCore: the host-side resolver and agent client, and the init-runelet.
public enum EnclaveSupport {
    public static func install(into runtime: inout Runtime) {
        runtime.enclaveResolver = { (spec: inout Spec, bundle: String) throws(RuneError) -> EnclaveSettings? in
            try EnclaveConfig.resolve(&spec, bundle: bundle)
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

    /// `rune attest`: evidence from a running enclave container.
    public static func attest(runtime: Runtime, id: String, reportData: [UInt8], local: Bool) throws(RuneError) -> [UInt8] {
        let (state, lock) = try runtime.store.load(id)
        defer { _ = lock }
        guard runtime.status(of: state) != .stopped else { throw RuneError(.invalidState, "cannot attest a container that has stopped") }
        guard state.enclave != nil else { throw RuneError(.invalidArgument, "cannot attest container \(id): it is not an enclave container") }
        return try EnclaveClient().attest(stateDir: runtime.store.directory(id), reportData: reportData, local: local)
    }
}
