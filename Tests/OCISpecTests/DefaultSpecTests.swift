import Testing
@testable import OCISpec

/// Golden tests against the real `runc spec` (runc 1.1 on the CI image), generated at test time.
@Suite(.enabled(if: TestSupport.hasRunc, "runc is not installed"))
struct DefaultSpecTests {
    /// Runs `runc spec [--rootless]` in a fresh directory and returns config.json's text.
    static func runcSpec(rootless: Bool) throws -> String {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeTree(directory) }
        let result = try TestSupport.run([TestSupport.runcPath!, "spec"] + (rootless ? ["--rootless"] : []), in: directory)
        #expect(result.status == 0, "runc spec failed: \(result.stderr)")
        return try TestSupport.readText(directory + "/config.json")
    }

    @Test(arguments: [false, true])
    func decodesRuncSpecOutputToDefaultSpec(rootless: Bool) throws {
        let runcText = try Self.runcSpec(rootless: rootless)
        let decoded = try Spec.decode(data: Array(runcText.utf8))
        #expect(decoded == Spec.defaultSpec(rootless: rootless, ociVersion: decoded.ociVersion))
        #expect(decoded.validate(bundle: "/").filter { !$0.hasPrefix("root.path") } == [])
    }

    @Test(arguments: [false, true])
    func defaultSpecIsSemanticallyRuncSpec(rootless: Bool) throws {
        let runcValue = try TestSupport.parse(try Self.runcSpec(rootless: rootless))
        guard case .string(let runcVersion)? = runcValue["ociVersion"] else {
            Issue.record("runc spec has no ociVersion")
            return
        }
        let ours = try TestSupport.parse(Spec.defaultSpec(rootless: rootless, ociVersion: runcVersion).encodeForSpecCommand())
        #expect(ours.isSemanticallyEqual(to: runcValue))
        // With the default version only ociVersion differs from runc 1.1's document.
        let current = try TestSupport.parse(Spec.defaultSpec(rootless: rootless).encodeForSpecCommand())
        #expect(current["ociVersion"] == .string(Spec.version))
    }

    @Test(arguments: [false, true])
    func encodingMatchesRuncBytes(rootless: Bool) throws {
        let runcText = try Self.runcSpec(rootless: rootless)
        let version = try Spec.decode(data: Array(runcText.utf8)).ociVersion
        #expect(Spec.defaultSpec(rootless: rootless, ociVersion: version).encodeForSpecCommand() == runcText)
    }
}

@Suite struct DefaultSpecShapeTests {
    @Test func rootlessMapsCurrentIdsAndDropsNetworkNamespace() {
        let spec = Spec.defaultSpec(rootless: true, hostUID: 1234, hostGID: 5678)
        #expect(spec.linux?.uidMappings == [LinuxIDMapping(containerID: 0, hostID: 1234, size: 1)])
        #expect(spec.linux?.gidMappings == [LinuxIDMapping(containerID: 0, hostID: 5678, size: 1)])
        #expect(spec.namespaceTypes == ["pid", "ipc", "uts", "mount", "user"])
        #expect(spec.linux?.resources == nil)
        #expect(spec.mounts?.first(where: { $0.destination == "/sys" })?.options?.first == "rbind")
    }

    @Test(arguments: [false, true])
    func defaultSpecValidatesWithARootfs(rootless: Bool) throws {
        let bundle = try TestSupport.makeBundle(config: nil)
        defer { TestSupport.removeTree(bundle) }
        #expect(Spec.defaultSpec(rootless: rootless).validate(bundle: bundle) == [])
    }
}
