// Attestation evidence: the enclave identity and 64 bytes of caller data, signed by the platform key.
// Binary layout v1 (248 bytes, little-endian):
//   0 magic "RUNEEVD\0" | 8 u16 version=1 | 10 u16 flags (bit0 debug) | 12 tee[8] "sim" zero-padded
//   20 u16 productId | 22 u16 svn | 24 measurement[32] | 56 signer[32] | 88 reportData[64]
//   152 platformKeyId[32] | 184 Ed25519 signature[64] over bytes 0..<184
import Crypto

public struct EvidenceError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

public struct Evidence: Equatable, Sendable {
    public static let magic: [UInt8] = Array("RUNEEVD".utf8) + [0]
    public static let version: UInt16 = 1
    public static let size = 248
    public static let reportDataSize = 64

    public var tee: String
    public var identity: EnclaveIdentity
    public var reportData: [UInt8]
    public var platformKeyId: [UInt8]
    public var signature: [UInt8]

    /// Produces signed evidence; `reportData` longer than 64 bytes is refused, shorter is zero-padded.
    public static func make(identity: EnclaveIdentity, reportData: [UInt8], platform: PlatformKey) throws -> Evidence {
        guard reportData.count <= reportDataSize else {
            throw EvidenceError(description: "report data is \(reportData.count) bytes, at most \(reportDataSize)")
        }
        var evidence = Evidence(tee: "sim", identity: identity, reportData: padded(reportData),
                                platformKeyId: platform.keyId, signature: [])
        evidence.signature = Array(try platform.signingKey.signature(for: evidence.signedBytes))
        return evidence
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: max(0, reportDataSize - data.count))
    }

    var signedBytes: [UInt8] {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.u16(Self.version)
        writer.u16(identity.debug ? 1 : 0)
        writer.fixed(Array(tee.utf8), size: 8)
        writer.u16(identity.productId)
        writer.u16(identity.svn)
        writer.fixed(identity.measurement, size: 32)
        writer.fixed(identity.signer, size: 32)
        writer.fixed(reportData, size: 64)
        writer.fixed(platformKeyId, size: 32)
        return writer.bytes
    }

    public func encoded() -> [UInt8] { signedBytes + signature }

    public static func decode(_ bytes: [UInt8]) throws -> Evidence {
        guard bytes.count == size else { throw EvidenceError(description: "evidence is \(bytes.count) bytes, expected \(size)") }
        var reader = ByteReader(bytes)
        guard reader.take(8) == magic else { throw EvidenceError(description: "evidence: bad magic") }
        let version = reader.u16()
        guard version == Self.version else { throw EvidenceError(description: "evidence: unsupported version \(version)") }
        let debug = reader.u16() & 1 != 0
        let tee = String(decoding: reader.take(8).prefix { $0 != 0 }, as: UTF8.self)
        let productId = reader.u16()
        let svn = reader.u16()
        let identity = EnclaveIdentity(measurement: reader.take(32), signer: reader.take(32),
                                       productId: productId, svn: svn, debug: debug)
        return Evidence(tee: tee, identity: identity, reportData: reader.take(64),
                        platformKeyId: reader.take(32), signature: reader.take(64))
    }
}
