import FoundationEssentials
import Testing
@testable import OCISpec

/// The JSON mappings against what the synthesized Codable produced (JSONMappingGoldens.swift).
@Suite struct JSONMappingTests {
    /// Decodes `input` as `T` and encodes the result compactly, or returns the one-line error.
    static func roundTrip<T: Codable>(_ type: T.Type, _ input: String, name: String = "doc") -> String {
        do {
            return OCIJSON.encode(try OCIJSON.decode(type, from: Array(input.utf8), name: name))
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: JSONMappingGoldens.specs)
    func specDocumentsDecodeAndEncodeAsBefore(input: String, expected: String) {
        #expect(Self.roundTrip(Spec.self, input, name: "config.json") == expected)
    }

    @Test(arguments: JSONMappingGoldens.others)
    func otherEntryPointsDecodeAndEncodeAsBefore(type: String, input: String, expected: String) {
        let result = switch type {
        case "LinuxResources": Self.roundTrip(LinuxResources.self, input)
        case "Process": Self.roundTrip(Process.self, input)
        case "LinuxSeccomp": Self.roundTrip(LinuxSeccomp.self, input)
        case "State": Self.roundTrip(State.self, input)
        case "RuncState": Self.roundTrip(RuncState.self, input)
        case "[RuncState]": Self.roundTrip([RuncState].self, input)
        case "Features": Self.roundTrip(Features.self, input)
        default: "unknown type \(type)"
        }
        #expect(result == expected)
    }

    @Test func fullConfigAndGeneratedDocumentsKeepTheirBytes() throws {
        let full = try Spec.decode(data: Array(SpecDecodingTests.fullConfig.utf8))
        #expect(full.encodeCompact() == JSONMappingGoldens.fullCompact)
        #expect(Spec.defaultSpec(rootless: true, hostUID: 1000, hostGID: 1000).encodeCompact() == JSONMappingGoldens.defaultRootless)
        #expect(OCIJSON.encode(Features.rune(annotations: ["org.x": "1", "a": "2"])) == JSONMappingGoldens.features)
        let states = [
            RuncState(id: "a", pid: 1, status: "running", bundle: "/b", rootfs: "/b/r", created: "c",
                      annotations: ["k": "v", "a": "b"], owner: "o"),
            RuncState(id: "b", annotations: [:]),
        ]
        #expect(RuncState.encodeForListCommand(states) == JSONMappingGoldens.runcList)
        #expect(states[0].encodeForStateCommand() == JSONMappingGoldens.runcState)
        #expect(states[0].specState.encodeForHook() == JSONMappingGoldens.hookState)
    }

    /// Every OCISpec document type; a new one nested in these fails to compile until it has a mapping.
    nonisolated(unsafe) static let mappedTypes: [any JSONTreeObject.Type] = [
        Spec.self, Root.self, Mount.self, Hook.self, Hooks.self, Process.self, Box.self, User.self,
        LinuxCapabilities.self, POSIXRlimit.self, Scheduler.self, LinuxIOPriority.self, CPUAffinity.self, Linux.self,
        LinuxNamespace.self, LinuxIDMapping.self, LinuxTimeOffset.self, LinuxDevice.self, LinuxPersonality.self,
        LinuxIntelRdt.self, LinuxSeccomp.self, LinuxSyscall.self, LinuxSeccompArg.self, LinuxResources.self,
        LinuxDeviceCgroup.self, LinuxMemory.self, LinuxCPU.self, LinuxPids.self, LinuxBlockIO.self,
        LinuxWeightDevice.self, LinuxThrottleDevice.self, LinuxHugepageLimit.self, LinuxNetwork.self,
        LinuxInterfacePriority.self, LinuxRdma.self, State.self, RuncState.self, Features.self, Features.Linux.self,
        Features.Cgroup.self, Features.Seccomp.self, Features.Enabled.self, Features.MountExtensions.self,
    ]

    static func storedProperties<T: JSONTreeObject>(_ type: T.Type) -> [String] {
        Mirror(reflecting: T(jsonBlank: ())).children.compactMap(\.label)
    }

    @Test(arguments: mappedTypes.indices)
    func mappingNamesEveryStoredPropertyInDeclarationOrder(index: Int) {
        let type = Self.mappedTypes[index]
        #expect(type.jsonFieldNames == Self.storedProperties(type), "\(type)")
    }
}

/// Codable users outside this layer (Foundation's coders here) get the same mapping and Go semantics.
@Suite struct JSONMappingBridgeTests {
    @Test func foundationCodersUseTheMapping() throws {
        let spec = try Spec.decode(data: Array(SpecDecodingTests.fullConfig.utf8))
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(Spec.self, from: data) == spec)
        // Synthesized Codable would throw keyNotFound here; the mapping gives Go's zero values.
        #expect(try JSONDecoder().decode(Spec.self, from: Data("{}".utf8)) == Spec(ociVersion: ""))
        #expect(try JSONDecoder().decode(Process.self, from: Data(#"{"args":["sh"],"user":null}"#.utf8))
                == Process(args: ["sh"], cwd: ""))
    }

    @Test func foundationDecoderReportsTheFieldPath() {
        do {
            _ = try JSONDecoder().decode(Spec.self, from: Data(#"{"process":{"args":"sh"}}"#.utf8))
            Issue.record("decoded an invalid document")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription == "process.args: expected array, found string")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// A Codable type outside OCISpec that embeds a mapped one reaches the mapping through TreeDecoder.
    struct Envelope: Codable, Equatable {
        var name: String
        var state: State
    }

    @Test func nestedInSynthesizedCodableTypes() throws {
        let text = #"{"name":"n","state":{"id":"c","pid":null,"status":"created","Bundle":"/b","extra":1}}"#
        let envelope = try OCIJSON.decode(Envelope.self, from: Array(text.utf8), name: "e")
        #expect(envelope == Envelope(name: "n", state: State(ociVersion: "", id: "c", status: "created", bundle: "/b")))
        #expect(OCIJSON.encode(envelope) == #"{"name":"n","state":{"ociVersion":"","id":"c","status":"created","bundle":"/b"}}"#)
        #expect(throws: SpecError("e: state.pid: expected int, found string")) {
            try OCIJSON.decode(Envelope.self, from: Array(#"{"state":{"pid":"1"}}"#.utf8), name: "e")
        }
    }
}
