import EnclaveEvidence
import XCTest

final class ConfigAndMeasurementTests: XCTestCase {
    func testParsesEveryKey() throws {
        let signer = String(repeating: "ab", count: 32)
        let config = try EnclaveConfig.parse("module=/app/m.wasm sig=/app/m.sig preopen=/data preopen=/srv:/www debug signer=\(signer) no-epm")
        XCTAssertEqual(config.modulePath, "/app/m.wasm")
        XCTAssertEqual(config.signaturePath, "/app/m.sig")
        XCTAssertEqual(config.preopens, [Preopen(hostPath: "/data", guestPath: "/data"), Preopen(hostPath: "/srv", guestPath: "/www")])
        XCTAssertTrue(config.debug)
        XCTAssertEqual(config.pinnedSigner, [UInt8](repeating: 0xab, count: 32))
    }

    func testRefusesBadArgsNamingTheField() {
        let cases = [
            ("sig=/a.sig", "missing module=PATH"),
            ("module=/m.wasm modul=/x", "unknown key 'modul'"),
            ("module=/m.wasm verbose", "unknown word 'verbose'"),
            ("module=/m.wasm preopen=data", "must be absolute"),
            ("module=/m.wasm preopen=/data/../etc", "must not contain '..'"),
            ("module=/m.wasm signer=abcd", "signer= must be 64 hex digits"),
            ("module=", "module= has no value"),
        ]
        for (args, reason) in cases {
            XCTAssertThrowsError(try EnclaveConfig.parse(args), args) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(args): \(error)")
            }
        }
    }

    func testMeasurementCoversModuleAndConfigButNotPaths() throws {
        let module: [UInt8] = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]
        let base = EnclaveMeasurement(module: module, config: try EnclaveConfig.parse("module=/a.wasm preopen=/data"))
        let moved = EnclaveMeasurement(module: module, config: try EnclaveConfig.parse("module=/b.wasm sig=/x.sig preopen=/data"))
        XCTAssertEqual(base, moved, "module and signature paths are not measured")
        let otherBytes = EnclaveMeasurement(module: module + [0], config: try EnclaveConfig.parse("module=/a.wasm preopen=/data"))
        XCTAssertNotEqual(base.moduleDigest, otherBytes.moduleDigest)
        XCTAssertEqual(base.configDigest, otherBytes.configDigest)
        let otherConfig = EnclaveMeasurement(module: module, config: try EnclaveConfig.parse("module=/a.wasm preopen=/data:/d"))
        XCTAssertEqual(base.moduleDigest, otherConfig.moduleDigest)
        XCTAssertNotEqual(base.configDigest, otherConfig.configDigest)
        XCTAssertNotEqual(base.value, otherConfig.value)
        XCTAssertEqual(base.value.count, 32)
    }

    func testPreopenFieldsCannotBeReSplit() throws {
        // Length prefixes keep ("/ab", "/c") and ("/a", "b/c")-style splits apart.
        let one = EnclaveMeasurement.configDigest(try EnclaveConfig.parse("module=/m preopen=/ab:/c"))
        let two = EnclaveMeasurement.configDigest(try EnclaveConfig.parse("module=/m preopen=/a:b/c"))
        XCTAssertNotEqual(one, two)
    }

    func testHexRoundTripAndRejects() {
        XCTAssertEqual(Hex.encode([0x00, 0xff, 0x1a]), "00ff1a")
        XCTAssertEqual(Hex.decode("00FF1a"), [0x00, 0xff, 0x1a])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
    }
}
