@testable import RuneShimCore
import XCTest

final class CoreTests: XCTestCase {
    func testSocketNameIsSHA256OfAddressNamespaceGroup() {
        // Known vectors (FIPS 180-2) and the containerd socket rule.
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)).count, 64)
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testExitStatusIsCodeOr128PlusSignal() {
        XCTAssertEqual(exitStatus(fromWaitStatus: 3 << 8), 3)
        XCTAssertEqual(exitStatus(fromWaitStatus: 9), 137)
        XCTAssertEqual(exitStatus(fromWaitStatus: 15 | 0x80), 143)  // core-dump bit ignored
    }

    func testFlagsInGoStyle() throws {
        let f = try ShimFlags(["-namespace", "k8s.io", "-address", "/run/c.sock", "-publish-binary", "/usr/bin/containerd",
                               "-id", "abc", "-debug", "start"])
        XCTAssertEqual(f.namespace, "k8s.io")
        XCTAssertEqual(f.address, "/run/c.sock")
        XCTAssertEqual(f.id, "abc")
        XCTAssertTrue(f.debug)
        XCTAssertEqual(f.action, "start")
        let g = try ShimFlags(["--id=x", "-bundle", "/b", "delete"])
        XCTAssertEqual(g.id, "x")
        XCTAssertEqual(g.bundle, "/b")
        XCTAssertThrowsError(try ShimFlags(["-id"]))
    }

    func testJSONRoundTripKeepsOrderAndNumbers() throws {
        let text = #"{"ociVersion":"1.0.2","process":{"env":["A=1","B=\"q\""],"user":{"uid":0}},"n":1.50e3,"ok":true,"z":null}"#
        let v = try JSON.parse(text)
        XCTAssertEqual(v.serialized(), text)
        XCTAssertEqual(v["process"]?["env"]?.array?.count, 2)
        XCTAssertEqual(v["process"]?["env"]?.array?[1].string, "B=\"q\"")
        var w = v
        w["annotations"] = .object([("enclave.type", .string("sim"))])
        XCTAssertTrue(w.serialized().hasSuffix(#","annotations":{"enclave.type":"sim"}}"#))
        XCTAssertThrowsError(try JSON.parse("{\"a\":1,}"))
        XCTAssertEqual(try JSON.parse(#""\u00e9\ud83d\ude00""#).string, "é😀")
    }

    func testMountOptionsSplitIntoFlagsAndData() {
        let (flags, data) = RootfsMounts.parse(["ro", "nosuid", "index=off", "lowerdir=/a:/b", "rbind"])
        XCTAssertEqual(data, "index=off,lowerdir=/a:/b")
        XCTAssertNotEqual(flags & UInt(1), 0)  // MS_RDONLY
        XCTAssertNotEqual(flags & UInt(4096), 0)  // MS_BIND
        XCTAssertEqual(RootfsMounts.parse(["ro", "rw"]).flags & UInt(1), 0)
    }

    func testConfigParsesAllSettings() throws {
        let c = try ShimConfig.parse("""
            # comment
            runtime = "/usr/local/bin/rune"   # trailing comment
            root = '/run/x'
            systemd_cgroup = true
            [carrier]
            signing_key = "/etc/rune/k # not a comment"
            require_signature = true
            pal_path = "/p.so"
            """)
        XCTAssertEqual(c.runtime, "/usr/local/bin/rune")
        XCTAssertEqual(c.root, "/run/x")
        XCTAssertTrue(c.systemdCgroup)
        XCTAssertEqual(c.carrier.signingKey, "/etc/rune/k # not a comment")
        XCTAssertTrue(c.carrier.requireSignature)
        XCTAssertEqual(c.carrier.palPath, "/p.so")
        XCTAssertEqual(try ShimConfig.parse(""), ShimConfig())
    }

    func testConfigErrorsNameFileLineAndKey() {
        XCTAssertThrowsError(try ShimConfig.parse("[carrier]\nsigning_ky = \"x\"", source: "/etc/rune/shim.toml")) { error in
            XCTAssertEqual("\(error)", "/etc/rune/shim.toml:2: unknown setting carrier.signing_ky")
        }
        XCTAssertThrowsError(try ShimConfig.parse("systemd_cgroup = \"yes\"")) { error in
            XCTAssertTrue("\(error)".contains("systemd_cgroup must be true or false"))
        }
    }

    func testPercentDecodingOfLoggerQuery() {
        XCTAssertEqual(percentDecode("a%20b+c%2F"), "a b c/")
    }

    func testBareAnyTypeURL() throws {
        var e = ShimProto.Containerd_Events_TaskOOM()
        e.containerID = "x"
        let any = bareAny(e)
        XCTAssertEqual(any.typeURL, "containerd.events.TaskOOM")
        XCTAssertEqual(try ShimProto.Containerd_Events_TaskOOM(serializedBytes: Array(any.value)).containerID, "x")
    }
}

import ShimProto
