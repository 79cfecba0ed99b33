/// The `rune-enclave` command-line tool (built from pal/wasm):
/// `rune-enclave sign --key KEY --module M [--args ARGS] --out SIG`, `rune-enclave measure --module M [--args ARGS]`.
public protocol EnclaveTool: Sendable {
    func measure(module: String, args: String?) throws -> String
    func sign(key: String, module: String, args: String?, out: String) throws
}

/// Runs the real tool synchronously (Create is rare; the call takes milliseconds).
public struct RuneEnclaveCLI: EnclaveTool {
    public let name: String

    public init(name: String) { self.name = name }

    private func path() throws -> String {
        guard let p = RuntimeSettings.locate(name) else {
            throw ShimError.failedPrecondition("carrier wasm: enclave tool \"\(name)\" not found next to the shim or on PATH ([carrier] enclave_tool)")
        }
        return p
    }

    public func measure(module: String, args: String?) throws -> String {
        let out = try runSync(try path(), ["measure", "--module", module] + (args.map { ["--args", $0] } ?? []), step: "measure")
        return out.trimmingSpaces()
    }

    public func sign(key: String, module: String, args: String?, out: String) throws {
        _ = try runSync(try path(), ["sign", "--key", key, "--module", module] + (args.map { ["--args", $0] } ?? []) + ["--out", out],
                        step: "sign")
    }
}

/// `RUNE_CARRIER=wasm`: sign the module at Create (unless the image ships `<module>.sig`) and point rune at
/// the Wasm PAL through `enclave.*` annotations.
public struct WasmCarrier: Carrier {
    public let name = "wasm"
    let tool: EnclaveTool

    public init(tool: EnclaveTool) { self.tool = tool }

    public func prepare(_ ctx: CarrierContext) throws -> [(String, String)] {
        guard let module = ctx.env[CarrierEnv.module], module.hasPrefix("/"), !module.contains("/../") else {
            throw ShimError.invalidArgument("carrier wasm: set \(CarrierEnv.module) to the absolute path of the .wasm module in the image")
        }
        let args = ctx.env[CarrierEnv.args].flatMap { $0.isEmpty ? nil : $0 }
        let hostModule = ctx.rootfs + module
        guard Sys.exists(hostModule) else {
            throw ShimError.invalidArgument("carrier wasm: module \(module) (\(CarrierEnv.module)) not found in the image")
        }
        let hostSig = hostModule + ".sig"
        if !Sys.exists(hostSig) {
            try signAtCreate(ctx, module: module, hostModule: hostModule, hostSig: hostSig, args: args)
        }
        var runtimeArgs = "module=\(module),sig=\(module).sig"
        if let args { runtimeArgs += ",\(args)" }
        return [
            ("enclave.type", "sim"),
            ("enclave.runtime.path", ctx.config.palPath.isEmpty ? Self.defaultPALPath() : ctx.config.palPath),
            ("enclave.runtime.args", runtimeArgs),
            ("enclave.runtime.loglevel", ctx.config.logLevel),
        ]
    }

    private func signAtCreate(_ ctx: CarrierContext, module: String, hostModule: String, hostSig: String, args: String?) throws {
        if ctx.config.requireSignature {
            throw ShimError.failedPrecondition(
                "carrier wasm: unsigned workload \(module): the image ships no \(module).sig and \(ctx.configPath) sets [carrier] require_signature = true")
        }
        let key = ctx.config.signingKey
        guard !key.isEmpty else {
            throw ShimError.failedPrecondition(
                "carrier wasm: cannot sign \(module): no [carrier] signing_key in \(ctx.configPath) and the image ships no \(module).sig")
        }
        guard Sys.exists(key) else {
            throw ShimError.failedPrecondition("carrier wasm: signing key \(key) ([carrier] signing_key in \(ctx.configPath)): no such file")
        }
        // rune turns the commas of enclave.runtime.args into spaces before the PAL parses them; do the same.
        let toolArgs = args.map { String($0.map { $0 == "," ? " " : $0 }) }
        _ = try tool.measure(module: hostModule, args: toolArgs)
        try tool.sign(key: key, module: hostModule, args: toolArgs, out: hostSig)
        guard Sys.exists(hostSig) else {
            throw ShimError.failed("carrier wasm: sign step wrote no signature at \(module).sig")
        }
    }

    /// PREFIX/lib/rune/libpal-wasm.so, PREFIX being the parent of the shim's bin directory.
    static func defaultPALPath() -> String {
        Sys.dirname(Sys.dirname(Sys.selfExecutable())) + "/lib/rune/libpal-wasm.so"
    }
}
