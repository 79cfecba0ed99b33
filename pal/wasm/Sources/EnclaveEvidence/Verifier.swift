// Offline verification of evidence against a platform public key and a verifier's expectations.
import Crypto

public struct VerificationPolicy: Sendable {
    public var platformPublicKey: [UInt8]
    public var measurement: [UInt8]?
    public var signer: [UInt8]?
    /// Expected report data; compared after zero-padding to 64 bytes, like the PAL pads it.
    public var nonce: [UInt8]?
    public var allowDebug: Bool
    /// Minimum security version, when the verifier has one.
    public var minimumSvn: UInt16?

    public init(platformPublicKey: [UInt8], measurement: [UInt8]? = nil, signer: [UInt8]? = nil,
                nonce: [UInt8]? = nil, allowDebug: Bool = false, minimumSvn: UInt16? = nil) {
        self.platformPublicKey = platformPublicKey
        self.measurement = measurement
        self.signer = signer
        self.nonce = nonce
        self.allowDebug = allowDebug
        self.minimumSvn = minimumSvn
    }
}

public enum EvidenceVerifier {
    /// Throws an `EvidenceError` naming the first check that failed. Signature first: nothing in
    /// unauthenticated evidence is worth reporting.
    public static func verify(_ bytes: [UInt8], policy: VerificationPolicy) throws -> Evidence {
        let evidence = try Evidence.decode(bytes)
        let keyId = PlatformKey.keyId(publicKey: policy.platformPublicKey)
        guard evidence.platformKeyId == keyId else {
            throw EvidenceError(description: "platform key differs: evidence names \(Hex.encode(evidence.platformKeyId)), "
                                + "expected \(Hex.encode(keyId))")
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: policy.platformPublicKey),
              key.isValidSignature(evidence.signature, for: evidence.signedBytes) else {
            throw EvidenceError(description: "signature invalid: evidence was not signed by this platform key")
        }
        try checkClaims(evidence, policy: policy)
        return evidence
    }

    static func checkClaims(_ evidence: Evidence, policy: VerificationPolicy) throws {
        guard evidence.tee == "sim" else { throw EvidenceError(description: "tee differs: '\(evidence.tee)', expected 'sim'") }
        if evidence.identity.debug && !policy.allowDebug {
            throw EvidenceError(description: "debug differs: the enclave is a debug enclave (use --allow-debug to accept)")
        }
        if let expected = policy.measurement, expected != evidence.identity.measurement {
            throw EvidenceError(description: "measurement differs: \(Hex.encode(evidence.identity.measurement)), "
                                + "expected \(Hex.encode(expected))")
        }
        if let expected = policy.signer, expected != evidence.identity.signer {
            throw EvidenceError(description: "signer differs: \(Hex.encode(evidence.identity.signer)), expected \(Hex.encode(expected))")
        }
        if let minimum = policy.minimumSvn, evidence.identity.svn < minimum {
            throw EvidenceError(description: "svn differs: \(evidence.identity.svn) is below \(minimum)")
        }
        if let nonce = policy.nonce {
            guard nonce.count <= Evidence.reportDataSize, Evidence.padded(nonce) == evidence.reportData else {
                throw EvidenceError(description: "nonce differs: report data is \(Hex.encode(evidence.reportData))")
            }
        }
    }
}
