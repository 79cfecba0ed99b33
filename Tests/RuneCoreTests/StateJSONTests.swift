import OCISpec
import Testing
@testable import RuneCore

/// state.json, the init config and hook state through their JSON mappings, against results recorded from
/// the synthesized Codable they replaced: (input, compact re-encoding or error). SPEC stands for `spec`.
@Suite struct StateJSONTests {
    static let spec = #"{"ociVersion":"1.2.0","process":{"user":{"uid":1,"gid":2},"args":["sh"],"env":["A=1"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"]},"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":1}],"noNewPrivileges":true},"root":{"path":"rootfs","readonly":true},"hostname":"h","mounts":[{"destination":"/proc","type":"proc","source":"proc"}],"hooks":{"prestart":[{"path":"/bin/true"}]},"annotations":{"b":"2","a":"1"},"linux":{"resources":{"devices":[{"allow":false,"access":"rwm"}],"pids":{"limit":10}},"namespaces":[{"type":"pid"},{"type":"mount"}],"maskedPaths":["/proc/kcore"]}}"#

    static let states: [(String, String)] = [
        (#"{"id":"c","bundle":"/b","rootfs":"/b/r","initPid":42,"initStartTime":123456789,"created":"t","owner":"","cgroupPaths":{"pids":"/sys/fs/cgroup/pids/c","cpu":"/sys/fs/cgroup/cpu/c"},"config":SPEC,"enclave":{"type":"sim","runtimePath":"/p.so","runtimeArgs":"a b","logLevel":"info"}}"#,
         #"{"id":"c","bundle":"/b","rootfs":"/b/r","initPid":42,"initStartTime":123456789,"created":"t","owner":"","cgroupPaths":{"cpu":"/sys/fs/cgroup/cpu/c","pids":"/sys/fs/cgroup/pids/c"},"config":{"ociVersion":"1.2.0","process":{"user":{"uid":1,"gid":2},"args":["sh"],"env":["A=1"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"]},"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":1}],"noNewPrivileges":true},"root":{"path":"rootfs","readonly":true},"hostname":"h","mounts":[{"destination":"/proc","type":"proc","source":"proc"}],"hooks":{"prestart":[{"path":"/bin/true"}]},"annotations":{"a":"1","b":"2"},"linux":{"resources":{"devices":[{"allow":false,"access":"rwm"}],"pids":{"limit":10}},"namespaces":[{"type":"pid"},{"type":"mount"}],"maskedPaths":["/proc/kcore"]}},"enclave":{"type":"sim","runtimePath":"/p.so","runtimeArgs":"a b","logLevel":"info"}}"#),
        (#"{"id":"c","initPid":null,"cgroupPaths":null,"config":null,"enclave":null}"#,
         #"{"id":"c","bundle":"","rootfs":"","initPid":0,"initStartTime":0,"created":"","owner":"","cgroupPaths":{},"config":{"ociVersion":""}}"#),
        (#"{"ID":"up","Config":{"Hostname":"x"},"cgroupPaths":{"a":"1","a":"2"}}"#,
         #"{"id":"up","bundle":"","rootfs":"","initPid":0,"initStartTime":0,"created":"","owner":"","cgroupPaths":{"a":"2"},"config":{"ociVersion":"","hostname":"x"}}"#),
        // The config is mapped when a command asks for it (StoredConfig), so its errors come from there.
        (#"{"config":{"linux":{"namespaces":[{"type":3}]}}}"#,
         #"state.json: config: linux.namespaces[0].type: expected string, found number 3"#),
        (#"{"initPid":"x"}"#,
         #"state: initPid: expected int32, found string"#),
        (#"{"initPid":2147483648}"#,
         #"state: initPid: number 2147483648 out of range for int32"#),
        (#"{"initStartTime":-1}"#,
         #"state: initStartTime: number -1 out of range for uint64"#),
        (#"{"cgroupPaths":{"x":1}}"#,
         #"state: cgroupPaths.x: expected string, found number 1"#),
        (#"{"enclave":{"type":1}}"#,
         #"state: enclave.type: expected string, found number 1"#),
        (#"{"enclave":[]}"#,
         #"state: enclave: expected object, found array"#),
        (#"[]"#,
         #"state: expected object, found array"#),
    ]

    static let inits: [(String, String)] = [
        (#"{"kind":"create","id":"c","spec":SPEC,"process":{"args":["sh"],"cwd":"/"},"bundle":"/b","rootfs":"/b/r","noPivot":true,"noNewKeyring":true,"preserveFds":2,"fifoFd":5,"consoleFd":6,"enclave":{"type":"sim","runtimePath":"/p","runtimeArgs":"","logLevel":"off"},"seccompCacheDir":"/c","seccompProgram":"00ff","seccompFlags":4,"cgroupPaths":{"u":"/x"},"hostPid":77,"agentFd":9,"networkFromHost":true}"#,
         #"{"kind":"create","id":"c","spec":{"ociVersion":"1.2.0","process":{"user":{"uid":1,"gid":2},"args":["sh"],"env":["A=1"],"cwd":"/","capabilities":{"bounding":["CAP_KILL"]},"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":1}],"noNewPrivileges":true},"root":{"path":"rootfs","readonly":true},"hostname":"h","mounts":[{"destination":"/proc","type":"proc","source":"proc"}],"hooks":{"prestart":[{"path":"/bin/true"}]},"annotations":{"a":"1","b":"2"},"linux":{"resources":{"devices":[{"allow":false,"access":"rwm"}],"pids":{"limit":10}},"namespaces":[{"type":"pid"},{"type":"mount"}],"maskedPaths":["/proc/kcore"]}},"process":{"user":{"uid":0,"gid":0},"args":["sh"],"cwd":"/"},"bundle":"/b","rootfs":"/b/r","noPivot":true,"noNewKeyring":true,"preserveFds":2,"fifoFd":5,"consoleFd":6,"enclave":{"type":"sim","runtimePath":"/p","runtimeArgs":"","logLevel":"off"},"seccompCacheDir":"/c","seccompProgram":"00ff","seccompFlags":4,"cgroupPaths":{"u":"/x"},"hostPid":77,"agentFd":9,"networkFromHost":true}"#),
        (#"{"kind":"exec","spec":{},"process":{}}"#,
         #"{"kind":"exec","id":"","spec":{"ociVersion":""},"process":{"user":{"uid":0,"gid":0},"cwd":""},"bundle":"","rootfs":"","noPivot":false,"noNewKeyring":false,"preserveFds":0,"seccompFlags":0,"cgroupPaths":{},"hostPid":0,"networkFromHost":false}"#),
        (#"{"kind":"exec"}"#,
         #"{"kind":"exec","id":"","spec":{"ociVersion":""},"process":{"user":{"uid":0,"gid":0},"cwd":""},"bundle":"","rootfs":"","noPivot":false,"noNewKeyring":false,"preserveFds":0,"seccompFlags":0,"cgroupPaths":{},"hostPid":0,"networkFromHost":false}"#),
        (#"{"kind":"run"}"#,
         #"state: kind: cannot initialize Kind from invalid String value run"#),
        (#"{"kind":"exec."}"#,
         #"state: kind: cannot initialize Kind from invalid String value exec"#),
        (#"{"kind":3}"#,
         #"state: kind: expected string, found number 3"#),
        (#"{"kind":null}"#,
         #"state: kind: cannot initialize Kind from invalid String value "#),
        (#"{}"#,
         #"state: kind: cannot initialize Kind from invalid String value "#),
        (#"{"KIND":"create","fifoFd":null,"preserveFds":"1"}"#,
         #"state: preserveFds: expected int, found string"#),
        (#"{"kind":"create","process":{"user":{"uid":-1}}}"#,
         #"state: process.user.uid: number -1 out of range for uint32"#),
        (#"{"kind":"create","seccompFlags":4294967296}"#,
         #"state: seccompFlags: number 4294967296 out of range for uint32"#),
        (#"{"kind":"create","agentFd":"3"}"#,
         #"state: agentFd: expected int32, found string"#),
    ]

    static let hookState = #"{"ociVersion":"1.2.0","id":"c","status":"creating","pid":5,"bundle":"/b","annotations":{"a":"2","z":"1"}}"#
    static let hookStateNoPid = #"{"ociVersion":"1.2.0","id":"c","status":"stopped","bundle":"/b"}"#

    static func roundTrip<T: Codable>(_ type: T.Type, _ input: String, check: (T) throws -> Void = { _ in }) -> String {
        let document = Array(input.replacing("SPEC", with: spec).utf8)
        do {
            let value = try JSON.decoder.decodeBytes(type, from: document)
            try check(value)
            return String(decoding: try JSON.encoder.encodeBytes(value), as: UTF8.self)
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: states)
    func containerStateDecodesAndEncodesAsBefore(input: String, expected: String) {
        #expect(Self.roundTrip(ContainerState.self, input) { _ = try $0.config.spec() } == expected)
    }

    @Test(arguments: inits)
    func initConfigDecodesAndEncodesAsBefore(input: String, expected: String) {
        #expect(Self.roundTrip(InitConfig.self, input) == expected)
    }

    @Test func hookStateEncodesAsBefore() throws {
        let hook = State(ociVersion: "1.2.0", id: "c", status: "creating", pid: 5, bundle: "/b", annotations: ["z": "1", "a": "2"])
        #expect(String(decoding: try JSON.encoder.encodeBytes(hook), as: UTF8.self) == Self.hookState)
        let stopped = State(ociVersion: "1.2.0", id: "c", status: "stopped", pid: nil, bundle: "/b", annotations: nil)
        #expect(String(decoding: try JSON.encoder.encodeBytes(stopped), as: UTF8.self) == Self.hookStateNoPid)
    }

    static func storedProperties<T: JSONTreeObject>(_ type: T.Type) -> [String] {
        Mirror(reflecting: T(jsonBlank: ())).children.compactMap(\.label)
    }

    @Test func mappingsNameEveryStoredPropertyInDeclarationOrder() {
        #expect(ContainerState.jsonFieldNames == Self.storedProperties(ContainerState.self))
        #expect(EnclaveSettings.jsonFieldNames == Self.storedProperties(EnclaveSettings.self))
        #expect(InitConfig.jsonFieldNames == Self.storedProperties(InitConfig.self))
    }
}

/// What commands read from the stored config without mapping all of it.
@Suite struct StoredConfigTests {
    static func state(_ config: String) throws -> ContainerState {
        try JSON.decoder.decodeBytes(ContainerState.self, from: Array(#"{"id":"c","config":\#(config)}"#.utf8))
    }

    @Test func readsVersionAnnotationsAndPoststopFromTheTree() throws {
        let stored = try Self.state(#"{"ociVersion":"1.2.0","annotations":{"a":"1"},"hooks":{"poststop":[{"path":"/bin/true"}]},"process":5}"#)
        #expect(stored.config.ociVersion == "1.2.0")
        #expect(stored.config.annotations == ["a": "1"])
        #expect(stored.config.hasPoststopHooks)
        #expect(throws: RuneError.self) { try stored.config.spec() }
    }

    @Test func noHooksNoAnnotations() throws {
        let stored = try Self.state(#"{"ociVersion":"1.0.2","hooks":{"prestart":[{"path":"/bin/true"}],"poststop":[]}}"#)
        #expect(!stored.config.hasPoststopHooks)
        #expect(stored.config.annotations == nil)
        #expect(try stored.config.spec().hooks?.prestart?.count == 1)
    }

    @Test func aMappedSpecAnswersTheSame() {
        var spec = Spec()
        spec.ociVersion = "1.1.0"
        spec.annotations = ["k": "v"]
        let config = StoredConfig(spec)
        #expect(config.ociVersion == "1.1.0" && config.annotations == ["k": "v"] && !config.hasPoststopHooks)
    }
}

extension StoredConfigTests {
    @Test func membersAreFoundAsTheMappingFindsThem() throws {
        let stored = try Self.state(#"{"OciVersion":"1.2.0","Annotations":{"a":"1"},"Hooks":{"Poststop":[{"path":"/bin/true"}]}}"#)
        #expect(stored.config.ociVersion == "1.2.0")
        #expect(stored.config.annotations == ["a": "1"])
        #expect(stored.config.hasPoststopHooks)
        #expect(try stored.config.spec().hooks?.poststop?.count == 1)
    }
}
