// The software TEE's root of trust: a 32-byte random seed held by the host (0600, root only).
// Everything the "CPU" would hold is derived from it with HKDF-SHA256 under distinct labels.
import Crypto

public struct PlatformKey: Sendable {
    public static let defaultSeedPath = "/var/lib/rune/sim/platform.seed"
    public static let seedSize = 32

    let seed: SymmetricKey
    public let signingKey: Curve25519.Signing.PrivateKey

    public init(seed: [UInt8]) throws {
        guard seed.count == Self.seedSize else {
            throw FileError(path: "platform seed", reason: "is \(seed.count) bytes, expected \(Self.seedSize)")
        }
        self.seed = SymmetricKey(data: seed)
        let derived = Self.derive(SymmetricKey(data: seed), label: "rune-sim platform attestation v1", context: [])
        signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: derived)
    }

    public var publicKey: [UInt8] { Array(signingKey.publicKey.rawRepresentation) }
    /// Names the platform key inside evidence: SHA-256 of its public key.
    public var keyId: [UInt8] { Self.keyId(publicKey: publicKey) }

    public static func keyId(publicKey: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: publicKey)) }

    /// Sealing key for an enclave identity (see `SealPolicy`). The debug bit is part of the identity,
    /// so a debug launch can never unseal what a production launch sealed.
    public func sealingKey(policy: SealPolicy, identity: EnclaveIdentity) -> [UInt8] {
        var context = ByteWriter()
        switch policy {
        case .measurement:
            context.raw(identity.measurement)
        case .signer:
            context.raw(identity.signer)
            context.u16(identity.productId)
        }
        context.u8(identity.debug ? 1 : 0)
        return Self.derive(seed, label: "rune-sim seal v1 " + policy.label, context: context.bytes)
    }

    /// REPORT key of a target enclave: only that enclave (and the platform) can check a local report's MAC.
    public func reportKey(targetMeasurement: [UInt8]) -> [UInt8] {
        Self.derive(seed, label: "rune-sim report key v1", context: targetMeasurement)
    }

    static func derive(_ seed: SymmetricKey, label: String, context: [UInt8]) -> [UInt8] {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: seed, salt: [UInt8](),
                                         info: Array(label.utf8) + [0] + context, outputByteCount: 32)
        return key.withUnsafeBytes { Array($0) }
    }

    /// Creates the seed file (and a 0700 parent directory) when absent; returns its path.
    public static func createSeedIfAbsent(path: String) throws {
        if FileIO.exists(path) { return }
        try makeParentDirectory(of: path)
        var generator = SystemRandomNumberGenerator()
        let seed = (0..<seedSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try FileIO.write(path, seed, mode: 0o600, exclusive: true)
    }

    public static func load(path: String) throws -> PlatformKey {
        try PlatformKey(seed: try FileIO.read(path, limit: seedSize + 1))
    }
}

/// Which identity a sealing key is bound to (SGX KEYPOLICY analogue).
public enum SealPolicy: UInt32, Sendable {
    /// Only the same measurement (same module bytes and config) derives the key.
    case measurement = 1
    /// Any enclave of the same signer and product id derives the key (survives upgrades).
    case signer = 2

    var label: String { self == .measurement ? "mrenclave" : "mrsigner" }
}

/// What the platform knows about a launched enclave; the subject of reports and sealing.
public struct EnclaveIdentity: Equatable, Sendable {
    public var measurement: [UInt8]
    /// SHA-256 of the signer key; 32 zero bytes for an unsigned debug enclave.
    public var signer: [UInt8]
    public var productId: UInt16
    public var svn: UInt16
    public var debug: Bool

    public init(measurement: [UInt8], signer: [UInt8], productId: UInt16, svn: UInt16, debug: Bool) {
        self.measurement = measurement
        self.signer = signer
        self.productId = productId
        self.svn = svn
        self.debug = debug
    }
}

#if canImport(Glibc)
import Glibc
#endif

private func makeParentDirectory(of path: String) throws {
    var components = path.split(separator: "/").dropLast()
    var current = path.hasPrefix("/") ? "" : "."
    while !components.isEmpty {
        current += "/" + components.removeFirst()
        if mkdir(current, 0o700) != 0 && errno != EEXIST {
            throw FileError.errno(current, "mkdir")
        }
    }
}
