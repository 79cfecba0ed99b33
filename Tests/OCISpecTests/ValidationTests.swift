import Testing
@testable import OCISpec

@Suite struct ValidationTests {
    /// A valid spec to break one rule at a time, and a bundle whose rootfs exists.
    static func baseline() -> Spec { Spec.defaultSpec(rootless: false) }

    static func problems(_ change: (inout Spec) -> Void, requireProcess: Bool = true) throws -> [String] {
        let bundle = try TestSupport.makeBundle(config: nil)
        defer { TestSupport.removeTree(bundle) }
        var spec = baseline()
        change(&spec)
        return spec.validate(bundle: bundle, requireProcess: requireProcess)
    }

    @Test func baselineIsValid() throws {
        #expect(try Self.problems { _ in } == [])
    }

    @Test func reportsEveryProblemAtOnce() throws {
        let found = try Self.problems {
            $0.ociVersion = ""
            $0.process?.args = []
            $0.process?.capabilities?.bounding?.append("CAP_FOO")
            $0.linux?.namespaces?.append(LinuxNamespace(type: "pid"))
        }
        #expect(found == [
            "ociVersion: missing",
            "process.args: must not be empty",
            #"process.capabilities.bounding: unknown capability "CAP_FOO""#,
            #"linux.namespaces[5].type: duplicate namespace "pid""#,
        ])
    }

    @Test func checksRootAndProcess() throws {
        #expect(try Self.problems { $0.ociVersion = "2.0.0" } == [#"ociVersion: unsupported version "2.0.0", expected 1.x"#])
        #expect(try Self.problems { $0.root = nil } == ["root: missing"])
        #expect(try Self.problems { $0.root?.path = "" } == ["root.path: missing"])
        let missing = try Self.problems { $0.root?.path = "/nonexistent-rootfs" }
        #expect(missing == [#"root.path: "/nonexistent-rootfs" does not exist"#])
        #expect(try Self.problems { $0.root?.path = "/etc/hostname" } == [#"root.path: "/etc/hostname" is not a directory"#])
        #expect(try Self.problems { $0.root?.path = "/proc/self/cwd" } == [#"root.path: "/proc/self/cwd" is a symlink"#])
        #expect(try Self.problems { $0.process = nil } == ["process: missing"])
        #expect(try Self.problems({ $0.process = nil }, requireProcess: false) == [])
        #expect(try Self.problems { $0.process?.cwd = "" } == ["process.cwd: missing"])
        #expect(try Self.problems { $0.process?.cwd = "tmp" } == [#"process.cwd: "tmp" is not an absolute path"#])
    }

    @Test func checksProcessLimits() throws {
        #expect(try Self.problems { $0.process?.oomScoreAdj = 1001 } == ["process.oomScoreAdj: 1001 is out of range -1000...1000"])
        #expect(try Self.problems { $0.process?.oomScoreAdj = -1000 } == [])
        let rlimits = try Self.problems {
            $0.process?.rlimits = [POSIXRlimit(type: "RLIMIT_FOO", hard: 1, soft: 1),
                                   POSIXRlimit(type: "RLIMIT_CORE", hard: 1, soft: 2),
                                   POSIXRlimit(type: "RLIMIT_CORE", hard: 2, soft: 2)]
        }
        #expect(rlimits == [#"process.rlimits[0].type: unknown rlimit "RLIMIT_FOO""#,
                            "process.rlimits[1]: soft limit 2 exceeds hard limit 1",
                            #"process.rlimits[2].type: duplicate rlimit "RLIMIT_CORE""#])
        #expect(try Self.problems { $0.process?.scheduler = Scheduler(policy: "SCHED_FAST") }
                == [#"process.scheduler.policy: unknown policy "SCHED_FAST""#])
        #expect(try Self.problems { $0.process?.ioPriority = LinuxIOPriority(class: "IOPRIO_CLASS_BE", priority: 8) }
                == ["process.ioPriority.priority: 8 is out of range 0...7"])
    }

    @Test func everyKnownCapabilityIsAccepted() throws {
        #expect(LinuxCapabilities.known.count == 41)
        #expect(LinuxCapabilities.number(of: "CAP_CHECKPOINT_RESTORE") == 40)
        #expect(try Self.problems { $0.process?.capabilities?.permitted = LinuxCapabilities.known } == [])
        #expect(try Self.problems { $0.process?.capabilities?.ambient = ["cap_kill"] }
                == [#"process.capabilities.ambient: unknown capability "cap_kill""#])
    }

    @Test func checksNamespaces() throws {
        #expect(try Self.problems { $0.linux?.namespaces?[0].type = "pids" }
                == [#"linux.namespaces[0].type: unknown namespace type "pids""#])
        #expect(try Self.problems { $0.linux?.namespaces?[1].path = "net" }
                == [#"linux.namespaces[1].path: "net" is not an absolute path"#])
        #expect(try Self.problems { $0.linux?.namespaces?[1].path = "/proc/999999999/ns/net" }
                == [#"linux.namespaces[1].path: "/proc/999999999/ns/net" does not exist"#])
        #expect(try Self.problems { $0.linux?.namespaces?[1].path = "/proc/self/ns/net" } == [])
    }

    @Test func mappingsNeedUserNamespaceAndHostnameNeedsUTS() throws {
        let mapping = [LinuxIDMapping(containerID: 0, hostID: 1000, size: 1)]
        #expect(try Self.problems { $0.linux?.uidMappings = mapping; $0.linux?.gidMappings = mapping }
                == ["linux.uidMappings: requires a user namespace", "linux.gidMappings: requires a user namespace"])
        #expect(try Self.problems { $0.linux?.namespaces?.append(LinuxNamespace(type: "user")) }
                == ["linux.namespaces: a new user namespace needs linux.uidMappings and linux.gidMappings"])
        #expect(try Self.problems { $0.linux?.namespaces?.removeAll { $0.type == "uts" } } == ["hostname: requires a uts namespace"])
        #expect(try Self.problems { $0.linux?.namespaces?.removeAll { $0.type == "mount" } }
                == ["linux.maskedPaths: requires a mount namespace", "linux.readonlyPaths: requires a mount namespace"])
    }

    @Test func checksSysctlNamespacesAsRunc() throws {
        let sysctl = ["net.ipv4.ip_forward": "1", "kernel/shmmax": "1", "fs.mqueue.msg_max": "10",
                      "kernel.domainname": "x", "vm.swappiness": "1", "kernel.hostname": "h"]
        #expect(try Self.problems { $0.linux?.sysctl = sysctl }
                == [#"linux.sysctl["kernel.hostname"]: not allowed, use the hostname field"#,
                    #"linux.sysctl["vm.swappiness"]: is not namespaced and cannot be set in a container"#])
        let withoutNamespaces = try Self.problems {
            $0.linux?.sysctl = sysctl.filter { $0.key.hasPrefix("net") || $0.key.hasPrefix("kernel/") || $0.key.hasPrefix("fs") }
            $0.linux?.namespaces = [LinuxNamespace(type: "mount"), LinuxNamespace(type: "uts")]
        }
        #expect(withoutNamespaces == [
            #"linux.sysctl["fs.mqueue.msg_max"]: requires an ipc namespace"#,
            #"linux.sysctl["kernel/shmmax"]: requires an ipc namespace"#,
            #"linux.sysctl["net.ipv4.ip_forward"]: requires a network namespace other than the host's"#,
        ])
        #expect(try Self.problems {
            $0.linux?.sysctl = ["net.core.somaxconn": "1"]
            $0.linux?.namespaces?[1].path = "/proc/self/ns/net"
        } == [#"linux.sysctl["net.core.somaxconn"]: requires a network namespace other than the host's"#])
    }

    @Test func mountDestinationsMustBeAbsolute() throws {
        #expect(try Self.problems { $0.mounts?[0].destination = "proc" } == [#"mounts[0].destination: "proc" is not an absolute path"#])
        #expect(try Self.problems { $0.mounts?.append(Mount()) } == ["mounts[7].destination: missing"])
    }

    @Test func checksSeccomp() throws {
        let seccomp = LinuxSeccomp(
            defaultAction: "SCMP_ACT_DENY", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"], flags: ["SECCOMP_FILTER_FLAG_X"],
            syscalls: [LinuxSyscall(names: ["read"], action: "SCMP_ACT_ALLOW"),
                       LinuxSyscall(names: [], action: "SCMP_ACT_NOTIFY",
                                    args: [LinuxSeccompArg(index: 6, value: 1, op: "SCMP_CMP_XX")])])
        #expect(try Self.problems { $0.linux?.seccomp = seccomp } == [
            #"linux.seccomp.defaultAction: unknown action "SCMP_ACT_DENY""#,
            #"linux.seccomp.architectures[1]: unknown architecture "SCMP_ARCH_Z80""#,
            #"linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_X""#,
            "linux.seccomp.syscalls[1].names: must not be empty",
            #"linux.seccomp.syscalls[1].args[0].op: unknown operator "SCMP_CMP_XX""#,
            "linux.seccomp.syscalls[1].args[0].index: 6 is out of range 0...5",
            "linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY",
        ])
        #expect(try Self.problems { $0.linux?.seccomp = LinuxSeccomp(defaultAction: "SCMP_ACT_NOTIFY", listenerPath: "/l") }
                == ["linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"])
        #expect(try Self.problems { $0.linux?.seccomp = LinuxSeccomp() } == [])
        #expect(try Self.problems { $0.linux?.seccomp = LinuxSeccomp(defaultAction: "SCMP_ACT_KILL_PROCESS") } == [])
    }

    @Test func checksPropagationDevicesAndHooks() throws {
        #expect(try Self.problems { $0.linux?.rootfsPropagation = "rshared" } == [])
        #expect(try Self.problems { $0.linux?.rootfsPropagation = "recursive" }
                == [#"linux.rootfsPropagation: unknown value "recursive""#])
        #expect(try Self.problems { $0.linux?.devices = [LinuxDevice(path: "dev/x", type: "q")] }
                == [#"linux.devices[0].path: "dev/x" is not an absolute path"#, #"linux.devices[0].type: unknown device type "q""#])
        #expect(try Self.problems { $0.linux?.resources?.devices?[0].access = "rwx" }
                == [#"linux.resources.devices[0].access: "rwx" is not a combination of r, w and m"#])
        #expect(try Self.problems { $0.hooks = Hooks(poststop: [Hook(path: "hook", timeout: 0)]) }
                == [#"hooks.poststop[0].path: "hook" is not an absolute path"#, "hooks.poststop[0].timeout: 0 must be greater than zero"])
        #expect(try Self.problems { $0.linux?.timeOffsets = ["monotonic": LinuxTimeOffset(secs: 1)] }
                == ["linux.timeOffsets: requires a time namespace"])
    }
}

@Suite struct RedactionTests {
    @Test func redactsProcessAndHookEnvironment() {
        var spec = Spec.defaultSpec(rootless: false)
        spec.process?.env = ["TOKEN=secret", "PLAIN"]
        spec.hooks = Hooks(poststart: [Hook(path: "/bin/true", env: ["KEY=abc=def"])])
        let redacted = spec.redactedForLogging()
        #expect(redacted.process?.env == ["TOKEN=<redacted>", "PLAIN"])
        #expect(redacted.hooks?.poststart?.first?.env == ["KEY=<redacted>"])
        #expect(!redacted.encodeCompact().contains("secret"))
        #expect(redacted.process?.args == spec.process?.args)
    }
}
