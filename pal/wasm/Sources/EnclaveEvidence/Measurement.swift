// MRENCLAVE analogue: what decides the enclave's behaviour, hashed in a versioned canonical encoding.
//   moduleDigest = SHA-256(module bytes)
//   configDigest = SHA-256("rune-sim/config/v1\0" || lp(entry) || u32 count || (lp(host) || lp(guest))*)
//   measurement  = SHA-256("rune-sim/measure/v1\0" || moduleDigest || configDigest)
// lp(x) = u32 little-endian length || bytes. Paths of the module and the signature are NOT measured.
import Crypto

public struct EnclaveMeasurement: Equatable, Sendable {
    public let moduleDigest: [UInt8]
    public let configDigest: [UInt8]
    public let value: [UInt8]

    public static let version: UInt16 = 1

    public init(module: [UInt8], config: EnclaveConfig) {
        moduleDigest = Array(SHA256.hash(data: module))
        configDigest = Self.configDigest(config)
        value = Self.combine(moduleDigest: moduleDigest, configDigest: configDigest)
    }

    public static func configDigest(_ config: EnclaveConfig) -> [UInt8] {
        var writer = ByteWriter()
        writer.raw(Array("rune-sim/config/v1".utf8) + [0])
        writer.lengthPrefixed(Array(config.entry.utf8))
        writer.u32(UInt32(config.preopens.count))
        for preopen in config.preopens {
            writer.lengthPrefixed(Array(preopen.hostPath.utf8))
            writer.lengthPrefixed(Array(preopen.guestPath.utf8))
        }
        return Array(SHA256.hash(data: writer.bytes))
    }

    public static func combine(moduleDigest: [UInt8], configDigest: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.raw(Array("rune-sim/measure/v1".utf8) + [0])
        writer.raw(moduleDigest)
        writer.raw(configDigest)
        return Array(SHA256.hash(data: writer.bytes))
    }
}

/// MRSIGNER analogue: SHA-256 of the signer's Ed25519 public key.
public func signerIdentity(publicKey: [UInt8]) -> [UInt8] {
    Array(SHA256.hash(data: publicKey))
}
