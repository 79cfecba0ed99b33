import EnclaveEvidence
import XCTest

final class SealingAndReportTests: XCTestCase {
    let platform = try! PlatformKey(seed: [UInt8](repeating: 1, count: 32))

    func identity(_ measurementByte: UInt8, signer: UInt8 = 2, product: UInt16 = 1, debug: Bool = false) -> EnclaveIdentity {
        EnclaveIdentity(measurement: [UInt8](repeating: measurementByte, count: 32), signer: [UInt8](repeating: signer, count: 32),
                        productId: product, svn: 1, debug: debug)
    }

    func testSealingKeysFollowThePolicy() {
        let a = identity(1), b = identity(2)
        XCTAssertEqual(platform.sealingKey(policy: .measurement, identity: a), platform.sealingKey(policy: .measurement, identity: a))
        XCTAssertNotEqual(platform.sealingKey(policy: .measurement, identity: a), platform.sealingKey(policy: .measurement, identity: b))
        XCTAssertEqual(platform.sealingKey(policy: .signer, identity: a), platform.sealingKey(policy: .signer, identity: b))
        XCTAssertNotEqual(platform.sealingKey(policy: .signer, identity: a), platform.sealingKey(policy: .signer, identity: identity(1, signer: 3)))
        XCTAssertNotEqual(platform.sealingKey(policy: .signer, identity: a), platform.sealingKey(policy: .signer, identity: identity(1, product: 2)))
        XCTAssertNotEqual(platform.sealingKey(policy: .measurement, identity: a),
                          platform.sealingKey(policy: .measurement, identity: identity(1, debug: true)))
        XCTAssertNotEqual(platform.sealingKey(policy: .measurement, identity: a), platform.sealingKey(policy: .signer, identity: a))
        let otherPlatform = try! PlatformKey(seed: [UInt8](repeating: 9, count: 32))
        XCTAssertNotEqual(platform.sealingKey(policy: .measurement, identity: a), otherPlatform.sealingKey(policy: .measurement, identity: a))
    }

    func testSealUnsealAndRefuseOtherKeys() throws {
        let key = platform.sealingKey(policy: .measurement, identity: identity(1))
        let blob = try Sealing.seal(Array("secret".utf8), key: key, policy: .measurement)
        XCTAssertEqual(Sealing.policy(of: blob), .measurement)
        XCTAssertEqual(try Sealing.unseal(blob, key: key), Array("secret".utf8))
        XCTAssertThrowsError(try Sealing.unseal(blob, key: platform.sealingKey(policy: .measurement, identity: identity(2))))
        var tampered = blob
        tampered[8] = 2  // claims MRSIGNER: the header is authenticated
        XCTAssertThrowsError(try Sealing.unseal(tampered, key: key))
    }

    func testLocalReportLayoutAndMac() {
        var target = [UInt8](repeating: 0, count: LocalReport.targetInfoSize)
        target[0..<32] = ArraySlice([UInt8](repeating: 0x42, count: 32))
        let me = identity(7, debug: true)
        let report = LocalReport.make(identity: me, targetInfo: target, platform: platform)
        XCTAssertEqual(report.count, 432)
        XCTAssertEqual(Array(report[64..<96]), me.measurement)
        XCTAssertEqual(Array(report[128..<160]), me.signer)
        XCTAssertEqual(report[48] & 0x2, 0x2, "DEBUG attribute")
        XCTAssertEqual(Array(report[256..<258]), [1, 0], "isvProdId")
        XCTAssertEqual(Array(report[384..<416]), platform.keyId)
        XCTAssertTrue(LocalReport.verifyMac(report, targetMeasurement: [UInt8](repeating: 0x42, count: 32), platform: platform))
        XCTAssertFalse(LocalReport.verifyMac(report, targetMeasurement: [UInt8](repeating: 0x43, count: 32), platform: platform))
    }
}
