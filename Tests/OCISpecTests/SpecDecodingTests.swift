import Testing
@testable import OCISpec
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SpecDecodingTests {
    /// A config using most v1.2 fields, plus unknown ones that must be ignored.
    static let fullConfig = #"""
    {
      "ociVersion": "1.2.0", "futureField": {"x": [1, 2]},
      "process": {
        "terminal": false, "consoleSize": {"height": 24, "width": 80},
        "user": {"uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [5, 6]},
        "args": ["/bin/sh", "-c", "true"], "env": ["A=1"], "cwd": "/work",
        "capabilities": {"bounding": ["CAP_KILL"], "ambient": []},
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 4096, "soft": 1024}],
        "noNewPrivileges": true, "oomScoreAdj": -500, "apparmorProfile": "p", "selinuxLabel": "l",
        "scheduler": {"policy": "SCHED_FIFO", "priority": 10, "flags": ["SCHED_FLAG_RESET_ON_FORK"]},
        "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
        "execCPUAffinity": {"initial": "0", "final": "0-1"}
      },
      "root": {"path": "rootfs", "readonly": true},
      "hostname": "h", "domainname": "d",
      "mounts": [{"destination": "/data", "type": "bind", "source": "/srv", "options": ["rbind", "ro"],
                  "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                  "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]}],
      "hooks": {"prestart": [{"path": "/bin/true", "args": ["true"], "env": ["X=1"], "timeout": 5}],
                "poststop": [{"path": "/bin/false"}]},
      "annotations": {"org.example": "yes"},
      "linux": {
        "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
        "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
        "sysctl": {"net.ipv4.ip_forward": "1"},
        "resources": {
          "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
          "memory": {"limit": 536870912, "reservation": -1, "swap": 1073741824, "kernelTCP": 0, "swappiness": 60,
                     "disableOOMKiller": false, "useHierarchy": true, "checkBeforeUpdate": true},
          "cpu": {"shares": 1024, "quota": 50000, "burst": 0, "period": 100000, "realtimeRuntime": 0,
                  "realtimePeriod": 0, "cpus": "0-1", "mems": "0", "idle": 0},
          "pids": {"limit": 100},
          "blockIO": {"weight": 500, "leafWeight": 300,
                      "weightDevice": [{"major": 8, "minor": 0, "weight": 600}],
                      "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}],
                      "throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": 100}]},
          "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}],
          "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
          "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}},
          "unified": {"memory.high": "max"}
        },
        "cgroupsPath": "/rune/test",
        "namespaces": [{"type": "pid"}, {"type": "network", "path": "/proc/1/ns/net"}, {"type": "user"}],
        "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}],
        "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
                    "flags": ["SECCOMP_FILTER_FLAG_LOG"], "listenerPath": "/run/l.sock", "listenerMetadata": "m",
                    "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                                 {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "errnoRet": 2,
                                  "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}]},
        "rootfsPropagation": "rslave", "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
        "mountLabel": "m", "intelRdt": {"closID": "c", "l3CacheSchema": "L3:0=f", "memBwSchema": "MB:0=20",
                                        "enableCMT": true, "enableMBM": false},
        "personality": {"domain": "LINUX32", "flags": []},
        "timeOffsets": {"monotonic": {"secs": 10, "nanosecs": 5}}
      },
      "windows": {"layerFolders": []}
    }
    """#

    @Test func decodesEveryLinuxField() throws {
        let spec = try Spec.decode(data: Array(Self.fullConfig.utf8))
        #expect(spec.process?.user == User(uid: 1000, gid: 1000, umask: 18, additionalGids: [5, 6]))
        #expect(spec.process?.capabilities?.bounding == ["CAP_KILL"])
        #expect(spec.process?.capabilities?.ambient == [])
        #expect(spec.process?.oomScoreAdj == -500)
        #expect(spec.process?.ioPriority?.class == "IOPRIO_CLASS_BE")
        #expect(spec.process?.execCPUAffinity?.final == "0-1")
        #expect(spec.mounts?.first?.uidMappings?.first?.hostID == 100000)
        #expect(spec.hooks?.prestart?.first?.timeout == 5)
        let linux = try #require(spec.linux)
        #expect(linux.namespaces?[1] == LinuxNamespace(type: "network", path: "/proc/1/ns/net"))
        #expect(linux.resources?.memory?.reservation == -1)
        #expect(linux.resources?.devices?[1] == LinuxDeviceCgroup(allow: true, type: "c", major: 1, minor: 3, access: "rw"))
        #expect(linux.resources?.blockIO?.weightDevice?.first == LinuxWeightDevice(major: 8, minor: 0, weight: 600))
        #expect(linux.resources?.rdma?["mlx5_1"]?.hcaObjects == 10000)
        #expect(linux.seccomp?.syscalls?[1].args?.first == LinuxSeccompArg(index: 0, value: 8, valueTwo: 0, op: "SCMP_CMP_EQ"))
        #expect(linux.devices?.first?.fileMode == 438)
        #expect(linux.timeOffsets?["monotonic"] == LinuxTimeOffset(secs: 10, nanosecs: 5))
        #expect(linux.intelRdt?.enableCMT == true)
    }

    @Test func encodeRoundTripKeepsEveryField() throws {
        let spec = try Spec.decode(data: Array(Self.fullConfig.utf8))
        let compact = spec.encodeCompact(), indented = spec.encodeForSpecCommand()
        #expect(try Spec.decode(data: Array(compact.utf8)) == spec)
        #expect(try Spec.decode(data: Array(indented.utf8)) == spec)
        // Only the unknown members are lost; everything else survives byte-for-byte in meaning.
        var original = try TestSupport.parse(Self.fullConfig)
        if case .object(let members) = original {
            original = .object(members.filter { $0.key != "futureField" && $0.key != "windows" })
        }
        #expect(try TestSupport.parse(compact).isSemanticallyEqual(to: original))
    }

    @Test func missingAndNullFieldsTakeGoZeroValues() throws {
        let spec = try Spec.decode(data: Array(#"{"process": {"user": null, "args": ["sh"]}, "linux": {"namespaces": [{}]}}"#.utf8))
        #expect(spec.ociVersion == "")
        #expect(spec.process?.user == User(uid: 0, gid: 0))
        #expect(spec.process?.cwd == "")
        #expect(spec.linux?.namespaces == [LinuxNamespace(type: "")])
        #expect(spec.root == nil)
    }

    @Test func keysMatchCaseInsensitivelyLikeGo() throws {
        let spec = try Spec.decode(data: Array(#"{"OCIVersion": "1.2.0", "Process": {"Args": ["sh"], "cwd": "/"}, "root": {"path": "r", "PATH": "x"}}"#.utf8))
        #expect(spec.ociVersion == "1.2.0")
        #expect(spec.process?.args == ["sh"])
        #expect(spec.root?.path == "r")
    }

    @Test(arguments: [
        (#"{"process": {"args": "sh"}}"#, "config.json: process.args: expected array, found string"),
        (#"{"process": {"user": {"uid": -1}}}"#, "config.json: process.user.uid: number -1 out of range for uint32"),
        (#"{"process": {"user": {"uid": 1.5}}}"#, "config.json: process.user.uid: expected uint32, found number 1.5"),
        (#"{"process": {"user": []}}"#, "config.json: process.user: expected object, found array"),
        (#"{"process": {"terminal": "yes"}}"#, "config.json: process.terminal: expected boolean, found string"),
        (#"{"linux": {"namespaces": [{"type": "pid"}, {"type": "uts"}, {"type": 5}]}}"#,
         "config.json: linux.namespaces[2].type: expected string, found number 5"),
        (#"{"linux": {"sysctl": {"a": 1}}}"#, "config.json: linux.sysctl.a: expected string, found number 1"),
        (#"{"linux": {"sysctl": {"net.core.x": 1}}}"#, #"config.json: linux.sysctl["net.core.x"]: expected string, found number 1"#),
        (#"{"annotations": {"a\nb": 1}}"#, #"config.json: annotations["a\nb"]: expected string, found number 1"#),
        ("{\"a\\nb\" 1}", #"config.json: invalid JSON at line 1, column 9: expected ':' after object key "a\nb""#),
        (#"{"ociVersion": true}"#, "config.json: ociVersion: expected string, found boolean"),
        (#"[]"#, "config.json: expected object, found array"),
        ("{\n\"ociVersion\": \"1.2.0\",\n\"process\": {\"args\": [\"a\" \"b\"]}}",
         "config.json: invalid JSON at line 3, column 26: expected ',' or ']' after array element"),
        ("", "config.json: invalid JSON at line 1, column 1: empty document"),
    ])
    func reportsOneLineErrorNamingTheField(input: String, message: String) {
        #expect(throws: SpecError(message)) { try Spec.decode(data: Array(input.utf8)) }
    }

    @Test func loadReadsBundleConfig() throws {
        let bundle = try TestSupport.makeBundle(config: Spec.defaultSpec(rootless: false).encodeForSpecCommand())
        defer { TestSupport.removeTree(bundle) }
        #expect(try Spec.load(bundle: bundle) == Spec.defaultSpec(rootless: false))
        #expect(try Spec.load(bundle: bundle + "/") == Spec.defaultSpec(rootless: false))
        #expect(Spec.defaultSpec(rootless: false).rootfsPath(bundle: bundle + "/") == bundle + "/rootfs")
        #expect(Spec.defaultSpec(rootless: false).rootfsPath(bundle: "") == "rootfs")
        #expect(Spec(root: Root(path: "/abs")).rootfsPath(bundle: bundle) == "/abs")
    }

    @Test func loadNamesMissingOrUnreadableConfig() throws {
        let bundle = try TestSupport.makeBundle(config: nil)
        defer { TestSupport.removeTree(bundle) }
        #expect(throws: SpecError("open \(bundle)/config.json: no such file or directory")) {
            try Spec.load(bundle: bundle)
        }
        #expect(throws: SpecError("open /nonexistent-bundle/config.json: no such file or directory")) {
            try Spec.load(bundle: "/nonexistent-bundle")
        }
        mkdir(bundle + "/config.json", 0o755)
        #expect(throws: SpecError("read \(bundle)/config.json: is a directory")) { try Spec.load(bundle: bundle) }
    }

    @Test func loadReportsFieldErrorsFromFile() throws {
        let bundle = try TestSupport.makeBundle(config: #"{"ociVersion": "1.2.0", "root": {"path": 7}}"#)
        defer { TestSupport.removeTree(bundle) }
        #expect(throws: SpecError("config.json: root.path: expected string, found number 7")) {
            try Spec.load(bundle: bundle)
        }
    }
}
