import Testing
@testable import OCISpec
#if canImport(Glibc)
import Glibc
#endif

@Suite struct StateEncodingTests {
    @Test func stateOmitsZeroPidAndEmptyFields() {
        let state = State(ociVersion: "1.2.0", id: "c1", status: "created", bundle: "/b")
        #expect(state.encodeForHook() == #"{"ociVersion":"1.2.0","id":"c1","status":"created","bundle":"/b"}"#)
        let running = State(ociVersion: "1.2.0", id: "c1", status: "running", pid: 42, bundle: "/b", annotations: ["k": "v"])
        #expect(running.encodeForHook()
                == #"{"ociVersion":"1.2.0","id":"c1","status":"running","pid":42,"bundle":"/b","annotations":{"k":"v"}}"#)
    }

    @Test func runcStateUsesRuncKeyOrderAndDropsEmptyAnnotations() throws {
        let state = RuncState(ociVersion: "1.2.0", id: "c", pid: 0, status: "stopped", bundle: "/b", rootfs: "/b/rootfs",
                              created: "2026-01-02T03:04:05.5Z", annotations: [:], owner: "")
        #expect(state.encodeForStateCommand() == """
        {
          "ociVersion": "1.2.0",
          "id": "c",
          "pid": 0,
          "status": "stopped",
          "bundle": "/b",
          "rootfs": "/b/rootfs",
          "created": "2026-01-02T03:04:05.5Z",
          "owner": ""
        }
        """)
        var annotated = state
        annotated.annotations = ["a": "b"]
        let keys = try TestSupport.parse(annotated.encodeForStateCommand())
        guard case .object(let members) = keys else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations", "owner"])
        #expect(try OCIJSON.decode(RuncState.self, from: Array(annotated.encodeForStateCommand().utf8), name: "state") == annotated)
        #expect(RuncState.encodeForListCommand([]) == "null\n")
        #expect(RuncState.encodeForListCommand([state]).hasPrefix(#"[{"ociVersion":"1.2.0","id":"c","pid":0,"#))
        #expect(RuncState.encodeForListCommand([state]).hasSuffix(#""owner":""}]"# + "\n"))
    }

    @Test(arguments: [Int64(0), 951_782_400, 1_000_000_000, 1_798_688_207, 4_102_444_799, -86_401])
    func rfc3339MatchesDate(seconds: Int64) throws {
        let result = try TestSupport.run(["/bin/date", "-u", "-d", "@\(seconds)", "+%Y-%m-%dT%H:%M:%SZ"])
        #expect(RFC3339.format(seconds: seconds) == result.stdout.split(separator: "\n").first.map(String.init))
    }

    @Test func rfc3339TrimsFractionLikeGo() {
        #expect(RFC3339.format(seconds: 0, nanoseconds: 711_545_829) == "1970-01-01T00:00:00.711545829Z")
        #expect(RFC3339.format(seconds: 0, nanoseconds: 500_000_000) == "1970-01-01T00:00:00.5Z")
        #expect(RFC3339.format(seconds: 0, nanoseconds: 1000) == "1970-01-01T00:00:00.000001Z")
    }
}

/// Compares RuncState's encoding with what the real `runc state` prints for a busybox container.
@Suite(.enabled(if: TestSupport.hasRunc && TestSupport.isRoot && TestSupport.commandExists("/bin/busybox"),
                "needs root, runc and /bin/busybox"))
struct RuncStateGoldenTests {
    /// Creates a container (not started: `sleep` waits at the exec fifo), returns `runc state` output.
    static func runcStateOutput(annotations: [String: String]?) throws -> String {
        let bundle = try TestSupport.makeBundle(config: nil)
        let id = "ocispec-state-\(getpid())-\(annotations?.count ?? 0)"
        let runc = TestSupport.runcPath!
        defer {
            _ = try? TestSupport.run([runc, "delete", "-f", id])
            TestSupport.removeTree(bundle)
        }
        mkdir(bundle + "/rootfs/bin", 0o755)
        _ = try TestSupport.run(["/bin/cp", "/bin/busybox", bundle + "/rootfs/bin/busybox"])
        symlink("busybox", bundle + "/rootfs/bin/sleep")
        var spec = Spec.defaultSpec(rootless: false)
        spec.process?.terminal = false
        spec.process?.args = ["sleep", "30"]
        spec.annotations = annotations
        TestSupport.writeText(spec.encodeForSpecCommand(), to: bundle + "/config.json")
        let created = try TestSupport.run([runc, "create", id], in: bundle)
        #expect(created.status == 0, "runc create: \(created.stderr)")
        let state = try TestSupport.run([runc, "state", id])
        #expect(state.status == 0, "runc state: \(state.stderr)")
        let list = try TestSupport.run([runc, "list", "--format", "json"])
        let listed = try OCIJSON.decode([RuncState].self, from: Array(list.stdout.utf8), name: "runc list")
        #expect(listed.contains { $0.id == id })
        #expect(RuncState.encodeForListCommand(listed) == list.stdout)
        return state.stdout
    }

    @Test(arguments: [nil, ["org.example.key": "value<&>"]])
    func encodingReproducesRuncState(annotations: [String: String]?) throws {
        let output = try Self.runcStateOutput(annotations: annotations)
        let decoded = try OCIJSON.decode(RuncState.self, from: Array(output.utf8), name: "runc state")
        #expect(decoded.status == "created")
        #expect(decoded.pid > 0)
        #expect(decoded.annotations == annotations)
        #expect(decoded.encodeForStateCommand() == output)
    }
}
