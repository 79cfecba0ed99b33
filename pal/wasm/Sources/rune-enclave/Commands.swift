// The subcommands. The shim's carrier step calls `sign` at container create: keep its CLI stable.
import Crypto
import EnclaveEvidence
#if canImport(Glibc)
import Glibc
#endif

enum Commands {
    static func keygen(_ options: Options) throws {
        var options = options
        let path = try options.required("--out")
        try options.checkAllUsed()
        let key = try SignerKey.generate(path: path)
        print("signer \(Hex.encode(signerIdentity(publicKey: Array(key.publicKey.rawRepresentation))))")
    }

    static func measure(_ options: Options) throws {
        var options = options
        let measurement = try measured(&options)
        try options.checkAllUsed()
        print(Hex.encode(measurement.value))
    }

    static func sign(_ options: Options) throws {
        var options = options
        let key = try SignerKey.load(path: try options.required("--key"))
        let measurement = try measured(&options)
        let out = try options.required("--out")
        let productId = try options.uint16("--product-id")
        let svn = try options.uint16("--svn")
        let debug = options.flag("--debug")
        try options.checkAllUsed()
        let sig = try SigStruct.sign(measurement: measurement, key: key, productId: productId, svn: svn, debug: debug)
        try FileIO.write(out, sig.encoded())
        print("measurement \(Hex.encode(sig.measurement))\nsigner \(Hex.encode(sig.signer))")
    }

    /// The module path comes from --module; --args carries the same enclave args rune passes
    /// (its module= and sig= are ignored here: only the measured config matters).
    private static func measured(_ options: inout Options) throws -> EnclaveMeasurement {
        let module = try options.required("--module")
        let args = options.optional("--args") ?? ""
        let config = try EnclaveConfig.parse("module=\(module) " + args)
        return EnclaveMeasurement(module: try FileIO.read(module), config: config)
    }

    static func verify(_ options: Options) throws {
        var options = options
        let bytes = try FileIO.read(try options.required("--evidence"), limit: 1 << 16)
        let platform = try readKeyArgument(try options.required("--platform-pub"), name: "--platform-pub")
        let policy = VerificationPolicy(
            platformPublicKey: platform, measurement: try options.hex("--measurement", bytes: 32),
            signer: try options.hex("--signer", bytes: 32), nonce: try options.hex("--nonce"),
            allowDebug: options.flag("--allow-debug"),
            minimumSvn: options.optional("--min-svn") == nil ? nil : try options.uint16("--min-svn"))
        try options.checkAllUsed()
        if let nonce = policy.nonce, nonce.count > Evidence.reportDataSize {
            throw UsageError(description: "--nonce: at most \(Evidence.reportDataSize) bytes")
        }
        do {
            let evidence = try EvidenceVerifier.verify(bytes, policy: policy)
            print("OK tee=\(evidence.tee) measurement=\(Hex.encode(evidence.identity.measurement)) "
                  + "signer=\(Hex.encode(evidence.identity.signer)) product=\(evidence.identity.productId) "
                  + "svn=\(evidence.identity.svn) debug=\(evidence.identity.debug)")
        } catch let error as EvidenceError {
            throw VerifyFailure(description: "verify failed: \(error.description)")
        }
    }

    /// A key given either as 64 hex digits or as a file holding them.
    private static func readKeyArgument(_ value: String, name: String) throws -> [UInt8] {
        if let bytes = Hex.decode(value), bytes.count == 32 { return bytes }
        return try SignerKey.readHexFile(value, expected: 32)
    }

    static func platformKey(_ options: Options) throws {
        var options = options
        let path = options.optional("--path") ?? PlatformKey.defaultSeedPath
        let initialize = options.flag("--init")
        let printPublic = options.flag("--pub")
        let out = options.optional("--out")
        try options.checkAllUsed()
        guard initialize || printPublic else { throw UsageError(description: "platform-key needs --init or --pub") }
        if initialize { try PlatformKey.createSeedIfAbsent(path: path) }
        if printPublic {
            let hex = Hex.encode(try PlatformKey.load(path: path).publicKey)
            if let out { try FileIO.write(out, Array((hex + "\n").utf8)) } else { print(hex) }
        }
    }
}
