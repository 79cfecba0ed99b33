import Crypto
import EnclaveEvidence
import XCTest

final class SignatureAndEvidenceTests: XCTestCase {
    let measurement = EnclaveMeasurement(module: Array("module bytes".utf8), config: EnclaveConfig(modulePath: "/m.wasm"))
    let platform = try! PlatformKey(seed: [UInt8](repeating: 7, count: 32))

    func testSigStructRoundTripsAndVerifies() throws {
        let key = Curve25519.Signing.PrivateKey()
        let sig = try SigStruct.sign(measurement: measurement, key: key, productId: 3, svn: 9, debug: true)
        let bytes = sig.encoded()
        XCTAssertEqual(bytes.count, SigStruct.size)
        let decoded = try SigStruct.decode(bytes)
        XCTAssertEqual(decoded, sig)
        XCTAssertTrue(decoded.verifySignature())
        XCTAssertEqual(decoded.signer, signerIdentity(publicKey: Array(key.publicKey.rawRepresentation)))
    }

    func testSigStructDetectsEveryFlippedByte() throws {
        let sig = try SigStruct.sign(measurement: measurement, key: Curve25519.Signing.PrivateKey(), productId: 1, svn: 1, debug: false)
        let bytes = sig.encoded()
        for offset in 12..<bytes.count {
            var forged = bytes
            forged[offset] ^= 0x01
            let verified = (try? SigStruct.decode(forged))?.verifySignature() ?? false
            XCTAssertFalse(verified, "flip at \(offset) went unnoticed")
        }
        XCTAssertThrowsError(try SigStruct.decode(Array(bytes.dropLast())))
    }

    func testPlatformKeyIsDeterministicPerSeed() throws {
        let again = try PlatformKey(seed: [UInt8](repeating: 7, count: 32))
        let other = try PlatformKey(seed: [UInt8](repeating: 8, count: 32))
        XCTAssertEqual(platform.publicKey, again.publicKey)
        XCTAssertNotEqual(platform.publicKey, other.publicKey)
        XCTAssertThrowsError(try PlatformKey(seed: [1, 2, 3]))
    }

    func identity(debug: Bool = false) -> EnclaveIdentity {
        EnclaveIdentity(measurement: measurement.value, signer: [UInt8](repeating: 5, count: 32), productId: 4, svn: 2, debug: debug)
    }

    func testEvidenceVerifiesAndNamesEachMismatch() throws {
        let nonce: [UInt8] = [1, 2, 3, 4]
        let bytes = try Evidence.make(identity: identity(), reportData: nonce, platform: platform).encoded()
        XCTAssertEqual(bytes.count, Evidence.size)
        let policy = VerificationPolicy(platformPublicKey: platform.publicKey, measurement: measurement.value,
                                        signer: [UInt8](repeating: 5, count: 32), nonce: nonce, minimumSvn: 2)
        XCTAssertEqual(try EvidenceVerifier.verify(bytes, policy: policy).identity, identity())

        func expectFailure(_ policy: VerificationPolicy, _ bytes: [UInt8], _ reason: String) {
            XCTAssertThrowsError(try EvidenceVerifier.verify(bytes, policy: policy)) { error in
                XCTAssertTrue("\(error)".hasPrefix(reason), "\(error)")
            }
        }
        var wrong = policy
        wrong.nonce = [1, 2, 3, 5]
        expectFailure(wrong, bytes, "nonce differs")
        wrong = policy
        wrong.measurement = [UInt8](repeating: 0, count: 32)
        expectFailure(wrong, bytes, "measurement differs")
        wrong = policy
        wrong.signer = [UInt8](repeating: 6, count: 32)
        expectFailure(wrong, bytes, "signer differs")
        wrong = policy
        wrong.minimumSvn = 3
        expectFailure(wrong, bytes, "svn differs")
        wrong = policy
        wrong.platformPublicKey = try PlatformKey(seed: [UInt8](repeating: 9, count: 32)).publicKey
        expectFailure(wrong, bytes, "platform key differs")
        var forged = bytes
        forged[100] ^= 0x80  // inside reportData
        expectFailure(policy, forged, "signature invalid")
    }

    func testDebugEvidenceNeedsAllowDebug() throws {
        let bytes = try Evidence.make(identity: identity(debug: true), reportData: [], platform: platform).encoded()
        var policy = VerificationPolicy(platformPublicKey: platform.publicKey)
        XCTAssertThrowsError(try EvidenceVerifier.verify(bytes, policy: policy))
        policy.allowDebug = true
        XCTAssertTrue(try EvidenceVerifier.verify(bytes, policy: policy).identity.debug)
    }

    func testReportDataLongerThan64IsRefused() {
        XCTAssertThrowsError(try Evidence.make(identity: identity(), reportData: [UInt8](repeating: 1, count: 65), platform: platform))
    }
}
