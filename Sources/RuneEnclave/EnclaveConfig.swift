import Glibc
import OCISpec
import RuneCore
import RuneSystem

/// Reads the enclave settings of a bundle: `ENCLAVE_*` in process.env first (and stripped from it),
/// then the `enclave.*` annotations (docs/enclave.md).
public enum EnclaveConfig {
    static let keys: [(env: String, annotation: String)] = [
        ("ENCLAVE_TYPE", "enclave.type"), ("ENCLAVE_RUNTIME_PATH", "enclave.runtime.path"),
        ("ENCLAVE_RUNTIME_ARGS", "enclave.runtime.args"), ("ENCLAVE_RUNTIME_LOGLEVEL", "enclave.runtime.loglevel"),
    ]
    public static let types = ["intelSgx", "AwsNitroEnclaves", "Jailhouse", "sim"]
    static let logLevels = ["trace", "debug", "info", "warning", "error", "fatal", "panic", "off"]

    public static func resolve(_ spec: inout Spec, bundle: String) throws(RuneError) -> EnclaveSettings? {
        var values: [String: (String, String)] = [:]  // env name -> (value, source)
        var env = spec.process?.env ?? []
        for (envName, annotation) in keys {
            if let v = spec.annotations?[annotation], !v.isEmpty { values[envName] = (v, "annotation \(annotation)") }
        }
        env.removeAll { entry in
            guard let key = keys.first(where: { entry.hasBytePrefix($0.env + "=") }) else { return false }
            let value = String(entry.dropFirst(key.env.count + 1))
            if !value.isEmpty { values[key.env] = (value, "env \(key.env)") }
            return true
        }
        guard let (type, typeSource) = values["ENCLAVE_TYPE"] else { return nil }
        spec.process?.env = env
        // containerd copies pod annotations into the pod sandbox's spec: the pause container never becomes an enclave.
        if spec.annotations?["io.kubernetes.cri.container-type"] == "sandbox" { return nil }
        guard types.contains(type) else {
            throw RuneError(.invalidArgument, "\(typeSource): unknown enclave type \"\(type)\" (want one of \(types.joined(separator: ", ")))")
        }
        try HostProbe.check(type: type, source: typeSource)
        guard let (rawPath, pathSource) = values["ENCLAVE_RUNTIME_PATH"] else {
            throw RuneError(.invalidArgument, "enclave runtime path is not configured (set enclave.runtime.path or ENCLAVE_RUNTIME_PATH)")
        }
        let path = rawPath.hasBytePrefix("/") ? rawPath : FileSystem.normalize(bundle + "/" + rawPath)
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw RuneError(.invalidArgument, "\(pathSource): \(path): \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw RuneError(.invalidArgument, "\(pathSource): \(path): not a regular file") }
        let args = (values["ENCLAVE_RUNTIME_ARGS"]?.0 ?? "").map { $0 == "," ? " " : $0 }
        var level = values["ENCLAVE_RUNTIME_LOGLEVEL"]?.0 ?? "info"
        if !logLevels.contains(level) {
            Log.warn("enclave.runtime.loglevel \"\(level)\" is not known; using info")
            level = "info"
        }
        try DeviceInjection.apply(type: type, spec: &spec)
        return EnclaveSettings(type: type, runtimePath: path, runtimeArgs: String(args), logLevel: level)
    }
}
