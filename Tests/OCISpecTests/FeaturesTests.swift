import Testing
@testable import OCISpec

@Suite struct FeaturesTests {
    @Test func runeFeaturesListWhatValidationAccepts() throws {
        let features = Features.rune()
        #expect(features.ociVersionMax == Spec.version)
        #expect(features.linux?.capabilities == LinuxCapabilities.known)
        #expect(features.linux?.namespaces == LinuxNamespace.knownTypes)
        #expect(features.linux?.apparmor?.enabled == false)
        #expect(features.linux?.selinux?.enabled == false)
        #expect(Features.rune(seccompEnabled: false).linux?.seccomp == Features.Seccomp(enabled: false))
        let text = features.encodeForFeaturesCommand()
        #expect(text.hasSuffix("}\n"))
        #expect(text.hasPrefix("{\n    \"ociVersionMin\": \"1.0.0\",\n"))
        #expect(try OCIJSON.decode(Features.self, from: Array(text.utf8), name: "features") == features)
    }
}

/// Compares with the real `runc features`: same keys at every level and the same capability and seccomp vocabulary.
@Suite(.enabled(if: TestSupport.hasRunc, "runc is not installed"))
struct RuncFeaturesGoldenTests {
    static func runcFeatures() throws -> (text: String, value: JSONValue) {
        let result = try TestSupport.run([TestSupport.runcPath!, "features"])
        #expect(result.status == 0, "runc features: \(result.stderr)")
        return (result.stdout, try TestSupport.parse(result.stdout))
    }

    /// Object keys by path, so that the comparison ignores values and array contents.
    static func keyPaths(_ value: JSONValue, prefix: String = "") -> Set<String> {
        guard case .object(let members) = value else { return [] }
        var paths = Set<String>()
        for member in members where member.key != "annotations" {
            paths.insert(prefix + member.key)
            paths.formUnion(keyPaths(member.value, prefix: prefix + member.key + "."))
        }
        return paths
    }

    @Test func shapeMatchesRuncFeatures() throws {
        let (runcText, runcValue) = try Self.runcFeatures()
        let ours = try TestSupport.parse(Features.rune(annotations: ["a": "b"]).encodeForFeaturesCommand())
        #expect(Self.keyPaths(ours) == Self.keyPaths(runcValue))
        let runc = try OCIJSON.decode(Features.self, from: Array(runcText.utf8), name: "runc features")
        let rune = Features.rune()
        #expect(rune.linux?.capabilities == runc.linux?.capabilities)
        #expect(rune.linux?.seccomp?.actions == runc.linux?.seccomp?.actions)
        #expect(rune.linux?.seccomp?.operators == runc.linux?.seccomp?.operators)
        let runcArchs = Set(runc.linux?.seccomp?.archs ?? []), runeArchs = Set(rune.linux?.seccomp?.archs ?? [])
        #expect(runcArchs.isSubset(of: runeArchs))
        let runcNamespaces = Set(runc.linux?.namespaces ?? []), runeNamespaces = Set(rune.linux?.namespaces ?? [])
        #expect(runcNamespaces.isSubset(of: runeNamespaces))
        #expect(rune.hooks == runc.hooks)
        #expect(rune.mountOptions == runc.mountOptions)
    }

    @Test func runcFeaturesRoundTripsThroughOurTypes() throws {
        let (runcText, runcValue) = try Self.runcFeatures()
        let decoded = try OCIJSON.decode(Features.self, from: Array(runcText.utf8), name: "runc features")
        #expect(try TestSupport.parse(decoded.encodeForFeaturesCommand()).isSemanticallyEqual(to: runcValue))
        #expect(decoded.encodeForFeaturesCommand() == runcText)
    }
}
