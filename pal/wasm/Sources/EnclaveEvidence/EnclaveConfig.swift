// The enclave configuration carried by `enclave.runtime.args` (space separated; rune turned commas
// into spaces). Parsed identically by the PAL and by `rune-enclave measure|sign`, so both measure
// the same thing.

/// A host directory (a container path) made visible to the guest under `guestPath`.
public struct Preopen: Equatable, Sendable {
    public let hostPath: String
    public let guestPath: String

    public init(hostPath: String, guestPath: String) {
        self.hostPath = hostPath
        self.guestPath = guestPath
    }
}

public struct EnclaveConfigError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

public struct EnclaveConfig: Equatable, Sendable {
    /// Container path of the Wasm module (not measured: the bytes are).
    public var modulePath: String
    /// Container path of the signature structure; nil for an unsigned (debug-only) enclave.
    public var signaturePath: String?
    public var preopens: [Preopen]
    /// Launch in debug mode; the only way to run an unsigned module.
    public var debug: Bool
    /// Expected signer (SHA-256 of the signer public key), when the operator pins one.
    public var pinnedSigner: [UInt8]?
    /// Exported function run by each process; fixed for WASI commands, measured for the future.
    public let entry = "_start"

    public init(modulePath: String, signaturePath: String? = nil, preopens: [Preopen] = [],
                debug: Bool = false, pinnedSigner: [UInt8]? = nil) {
        self.modulePath = modulePath
        self.signaturePath = signaturePath
        self.preopens = preopens
        self.debug = debug
        self.pinnedSigner = pinnedSigner
    }

    /// Parses `module=PATH [sig=PATH] [preopen=HOST[:GUEST]]... [debug] [signer=HEX]`.
    /// Unknown words are refused so that a typo cannot silently drop a security setting.
    public static func parse(_ args: String) throws -> EnclaveConfig {
        var config = EnclaveConfig(modulePath: "")
        for word in args.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            try config.apply(String(word))
        }
        guard !config.modulePath.isEmpty else {
            throw EnclaveConfigError(description: "enclave args: missing module=PATH")
        }
        return config
    }

    private mutating func apply(_ word: String) throws {
        if word == "debug" { debug = true; return }
        if word == "no-epm" { return }  // consumed by rune; accepted for bundle compatibility
        guard let equals = word.firstIndex(of: "=") else {
            throw EnclaveConfigError(description: "enclave args: unknown word '\(word)'")
        }
        let key = String(word[..<equals])
        let value = String(word[word.index(after: equals)...])
        guard !value.isEmpty else { throw EnclaveConfigError(description: "enclave args: \(key)= has no value") }
        switch key {
        case "module": modulePath = value
        case "sig": signaturePath = value
        case "preopen": preopens.append(try Self.parsePreopen(value))
        case "signer":
            guard let bytes = Hex.decode(value), bytes.count == 32 else {
                throw EnclaveConfigError(description: "enclave args: signer= must be 64 hex digits (SHA-256 of the signer key)")
            }
            pinnedSigner = bytes
        default:
            throw EnclaveConfigError(description: "enclave args: unknown key '\(key)'")
        }
    }

    private static func parsePreopen(_ value: String) throws -> Preopen {
        let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let host = parts[0]
        let guest = parts.count > 1 ? parts[1] : host
        guard host.hasPrefix("/") else {
            throw EnclaveConfigError(description: "enclave args: preopen host path '\(host)' must be absolute")
        }
        guard !host.split(separator: "/").contains(".."), !guest.isEmpty else {
            throw EnclaveConfigError(description: "enclave args: preopen '\(value)' must not contain '..' or an empty guest path")
        }
        return Preopen(hostPath: host, guestPath: guest)
    }
}
