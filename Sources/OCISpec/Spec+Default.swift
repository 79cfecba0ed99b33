// The example configuration `rune spec` writes: the same content as `runc spec` / `runc spec --rootless`
// (runc 1.1), so bundles made with either runtime behave alike. runc 1.2+ drops the ambient set;
// we keep runc 1.1's output because that is the runc installed next to rune.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Spec {
    /// runc's example spec. Rootless: no network namespace, a user namespace mapping container root to
    /// `hostUID`/`hostGID` (default: the effective ids of this process), /sys bind-mounted, no device rules.
    /// `ociVersion` defaults to the version these types implement; pass "1.0.2-dev" for runc 1.1's bytes.
    public static func defaultSpec(
        rootless: Bool, ociVersion: String = Spec.version, hostUID: UInt32? = nil, hostGID: UInt32? = nil
    ) -> Spec {
        let capabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
        let process = Process(
            terminal: true, user: User(uid: 0, gid: 0), args: ["sh"],
            env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"], cwd: "/",
            capabilities: LinuxCapabilities(bounding: capabilities, effective: capabilities, permitted: capabilities,
                                            ambient: capabilities),
            rlimits: [POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1024, soft: 1024)], noNewPrivileges: true)
        var linux = Linux(
            namespaces: ["pid", "network", "ipc", "uts", "mount"].map { LinuxNamespace(type: $0) },
            maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                          "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
            readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"])
        if rootless {
            linux.uidMappings = [LinuxIDMapping(containerID: 0, hostID: hostUID ?? geteuid(), size: 1)]
            linux.gidMappings = [LinuxIDMapping(containerID: 0, hostID: hostGID ?? getegid(), size: 1)]
            linux.namespaces = ["pid", "ipc", "uts", "mount", "user"].map { LinuxNamespace(type: $0) }
        } else {
            linux.resources = LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm")])
        }
        return Spec(ociVersion: ociVersion, process: process, root: Root(path: "rootfs", readonly: true),
                    hostname: "runc", mounts: defaultMounts(rootless: rootless), linux: linux)
    }

    static func defaultMounts(rootless: Bool) -> [Mount] {
        let devpts = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"] + (rootless ? [] : ["gid=5"])
        let sys = rootless
            ? Mount(destination: "/sys", type: "none", source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"])
            : Mount(destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"])
        return [
            Mount(destination: "/proc", type: "proc", source: "proc"),
            Mount(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            Mount(destination: "/dev/pts", type: "devpts", source: "devpts", options: devpts),
            Mount(destination: "/dev/shm", type: "tmpfs", source: "shm",
                  options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            Mount(destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]),
            sys,
            Mount(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                  options: ["nosuid", "noexec", "nodev", "relatime", "ro"]),
        ]
    }

    /// The JSON `runc spec` writes: tab-indented, Go key order, no trailing newline.
    public func encodeForSpecCommand() -> String {
        OCIJSON.encode(self, indent: "\t")
    }

    /// Compact JSON (Go's json.Marshal), e.g. for state files.
    public func encodeCompact() -> String {
        OCIJSON.encode(self)
    }
}
