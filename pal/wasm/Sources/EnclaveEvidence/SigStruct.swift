// SIGSTRUCT analogue: binds a measurement to a signer key, product id, svn and the debug attribute.
// Binary layout v1 (208 bytes, little-endian):
//   0 magic "RUNESIG\0" | 8 u16 version=1 | 10 u16 flags (bit0 debug) | 12 u16 productId | 14 u16 svn
//   16 measurement[32] | 48 moduleDigest[32] | 80 configDigest[32] | 112 signerPublicKey[32]
//   144 Ed25519 signature[64] over bytes 0..<144
import Crypto

public struct SigStructError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

public struct SigStruct: Equatable, Sendable {
    public static let magic: [UInt8] = Array("RUNESIG".utf8) + [0]
    public static let version: UInt16 = 1
    public static let size = 208
    static let signedSize = 144

    public var debug: Bool
    public var productId: UInt16
    public var svn: UInt16
    public var measurement: [UInt8]
    public var moduleDigest: [UInt8]
    public var configDigest: [UInt8]
    public var signerPublicKey: [UInt8]
    public var signature: [UInt8]

    /// MRSIGNER: SHA-256 of the signer public key.
    public var signer: [UInt8] { signerIdentity(publicKey: signerPublicKey) }

    /// Signs `measurement` with `key`.
    public static func sign(measurement: EnclaveMeasurement, key: Curve25519.Signing.PrivateKey,
                            productId: UInt16, svn: UInt16, debug: Bool) throws -> SigStruct {
        var sig = SigStruct(debug: debug, productId: productId, svn: svn, measurement: measurement.value,
                            moduleDigest: measurement.moduleDigest, configDigest: measurement.configDigest,
                            signerPublicKey: Array(key.publicKey.rawRepresentation), signature: [])
        sig.signature = Array(try key.signature(for: sig.signedBytes))
        return sig
    }

    var signedBytes: [UInt8] {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.u16(Self.version)
        writer.u16(debug ? 1 : 0)
        writer.u16(productId)
        writer.u16(svn)
        writer.fixed(measurement, size: 32)
        writer.fixed(moduleDigest, size: 32)
        writer.fixed(configDigest, size: 32)
        writer.fixed(signerPublicKey, size: 32)
        return writer.bytes
    }

    public func encoded() -> [UInt8] { signedBytes + signature }

    /// Parses the structure; the signature is checked separately by `verifySignature`.
    public static func decode(_ bytes: [UInt8]) throws -> SigStruct {
        guard bytes.count == size else {
            throw SigStructError(description: "signature structure is \(bytes.count) bytes, expected \(size)")
        }
        var reader = ByteReader(bytes)
        guard reader.take(8) == magic else { throw SigStructError(description: "signature structure: bad magic") }
        let version = reader.u16()
        guard version == Self.version else {
            throw SigStructError(description: "signature structure: unsupported version \(version)")
        }
        let flags = reader.u16()
        return SigStruct(debug: flags & 1 != 0, productId: reader.u16(), svn: reader.u16(),
                         measurement: reader.take(32), moduleDigest: reader.take(32),
                         configDigest: reader.take(32), signerPublicKey: reader.take(32), signature: reader.take(64))
    }

    /// True when the Ed25519 signature over the structure verifies with its own signer key,
    /// and the measurement really is the combination of the two digests it carries.
    public func verifySignature() -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: signerPublicKey) else { return false }
        guard key.isValidSignature(signature, for: signedBytes) else { return false }
        return measurement == EnclaveMeasurement.combine(moduleDigest: moduleDigest, configDigest: configDigest)
    }
}
