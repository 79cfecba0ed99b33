import OCISpec
import RuneCore

/// Wires enclave containers into RuneCore: the host-side resolver and the init-runelet.
public enum EnclaveSupport {
    public static func install(into runtime: inout Runtime) {
        runtime.enclaveResolver = { (spec: inout Spec, bundle: String) throws(RuneError) -> EnclaveSettings? in
            try EnclaveConfig.resolve(&spec, bundle: bundle)
        }
    }

    public static func installInit() {
    }
}
