/// A carrier turns an ordinary image into an enclave image at Create, after the rootfs is mounted and
/// before the runtime sees the bundle (Inclavare's shim called this step "carrier").
public protocol Carrier: Sendable {
    var name: String { get }
    /// Returns the annotations to set in config.json, or throws one error naming the failed step.
    func prepare(_ context: CarrierContext) throws -> [(String, String)]
}

public struct CarrierContext: Sendable {
    /// Host path of the mounted container rootfs.
    public var rootfs: String
    /// The container process environment from config.json.
    public var env: [String: String]
    public var config: ShimConfig.CarrierConfig
    /// Where the config came from, for error messages.
    public var configPath: String
}

/// Environment variables a user sets on the container to select a carrier (see docs/shim.md).
public enum CarrierEnv {
    public static let carrier = "RUNE_CARRIER"
    public static let module = "RUNE_CARRIER_MODULE"
    public static let args = "RUNE_CARRIER_ARGS"
    static let all = [carrier, module, args]
}

public enum CarrierRegistry {
    /// The carrier named by RUNE_CARRIER, nil when unset or empty; unknown names are an error.
    public static func carrier(for env: [String: String], tool: EnclaveTool) throws -> Carrier? {
        guard let name = env[CarrierEnv.carrier], !name.isEmpty else { return nil }
        switch name {
        case "wasm": return WasmCarrier(tool: tool)
        default: throw ShimError.invalidArgument("carrier: unknown \(CarrierEnv.carrier)=\(name) (supported: wasm)")
        }
    }

    static func isCarrierVariable(_ entry: String) -> Bool {
        CarrierEnv.all.contains { entry.hasPrefix($0 + "=") }
    }

    /// An exec's OCI Process JSON without the carrier variables (containerd copies the container's env).
    static func withoutCarrierEnv(_ processJSON: [UInt8]) -> [UInt8] {
        guard var process = try? JSON.parse(processJSON), let env = process["env"]?.array,
              env.contains(where: { isCarrierVariable($0.string ?? "") }) else { return processJSON }
        process["env"] = .array(env.filter { !isCarrierVariable($0.string ?? "") })
        return Array(process.serialized().utf8)
    }

    /// Applies the carrier to a bundle whose rootfs is mounted: rewrites config.json in place.
    /// CRI sandbox (pause) containers are never enclaves.
    static func apply(bundle: String, rootfs: String, config: ShimConfig, configPath: String, tool: EnclaveTool) throws {
        let specPath = bundle + "/config.json"
        var spec = try JSON.parse(try Sys.readFile(specPath))
        if spec["annotations"]?["io.kubernetes.cri.container-type"]?.string == "sandbox" { return }
        let envList = spec["process"]?["env"]?.array?.compactMap { $0.string } ?? []
        var env: [String: String] = [:]
        for entry in envList {
            if let eq = entry.firstIndex(of: "=") { env[String(entry[..<eq])] = String(entry[entry.index(after: eq)...]) }
        }
        guard let carrier = try carrier(for: env, tool: tool) else { return }
        let context = CarrierContext(rootfs: rootfs, env: env, config: config.carrier, configPath: configPath)
        let edits = try carrier.prepare(context)
        var annotations = spec["annotations"] ?? .object([])
        for (k, v) in edits { annotations[k] = .string(v) }
        spec["annotations"] = annotations
        // The carrier settings are for the shim; the workload never sees them.
        let kept = envList.filter { !isCarrierVariable($0) }
        if var process = spec["process"] {
            process["env"] = .array(kept.map { .string($0) })
            spec["process"] = process
        }
        try Sys.writeFile(specPath, spec.serialized())
    }
}
