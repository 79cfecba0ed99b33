// The `features` document (runtime-spec v1.2 specs-go/features), printed by `rune features` in the
// shape `runc features` uses: four-space indentation and a trailing newline.

public struct Features: Codable, Sendable, Equatable {
    public var ociVersionMin: String?
    public var ociVersionMax: String?
    public var hooks: [String]?
    public var mountOptions: [String]?
    public var linux: Linux?
    public var annotations: [String: String]?
    public var potentiallyUnsafeConfigAnnotations: [String]?

    public init(
        ociVersionMin: String? = nil, ociVersionMax: String? = nil, hooks: [String]? = nil,
        mountOptions: [String]? = nil, linux: Linux? = nil, annotations: [String: String]? = nil,
        potentiallyUnsafeConfigAnnotations: [String]? = nil
    ) {
        self.ociVersionMin = ociVersionMin
        self.ociVersionMax = ociVersionMax
        self.hooks = hooks
        self.mountOptions = mountOptions
        self.linux = linux
        self.annotations = annotations
        self.potentiallyUnsafeConfigAnnotations = potentiallyUnsafeConfigAnnotations
    }

    public struct Linux: Codable, Sendable, Equatable {
        public var namespaces: [String]?
        public var capabilities: [String]?
        public var cgroup: Cgroup?
        public var seccomp: Seccomp?
        public var apparmor: Enabled?
        public var selinux: Enabled?
        public var intelRdt: Enabled?
        public var mountExtensions: MountExtensions?

        public init(
            namespaces: [String]? = nil, capabilities: [String]? = nil, cgroup: Cgroup? = nil, seccomp: Seccomp? = nil,
            apparmor: Enabled? = nil, selinux: Enabled? = nil, intelRdt: Enabled? = nil,
            mountExtensions: MountExtensions? = nil
        ) {
            self.namespaces = namespaces
            self.capabilities = capabilities
            self.cgroup = cgroup
            self.seccomp = seccomp
            self.apparmor = apparmor
            self.selinux = selinux
            self.intelRdt = intelRdt
            self.mountExtensions = mountExtensions
        }
    }

    public struct Cgroup: Codable, Sendable, Equatable {
        public var v1: Bool?
        public var v2: Bool?
        public var systemd: Bool?
        public var systemdUser: Bool?
        public var rdma: Bool?

        public init(v1: Bool? = nil, v2: Bool? = nil, systemd: Bool? = nil, systemdUser: Bool? = nil, rdma: Bool? = nil) {
            self.v1 = v1
            self.v2 = v2
            self.systemd = systemd
            self.systemdUser = systemdUser
            self.rdma = rdma
        }
    }

    public struct Seccomp: Codable, Sendable, Equatable {
        public var enabled: Bool?
        public var actions: [String]?
        public var operators: [String]?
        public var archs: [String]?
        public var knownFlags: [String]?
        public var supportedFlags: [String]?

        public init(
            enabled: Bool? = nil, actions: [String]? = nil, operators: [String]? = nil, archs: [String]? = nil,
            knownFlags: [String]? = nil, supportedFlags: [String]? = nil
        ) {
            self.enabled = enabled
            self.actions = actions
            self.operators = operators
            self.archs = archs
            self.knownFlags = knownFlags
            self.supportedFlags = supportedFlags
        }
    }

    /// `{"enabled": bool}`: the Go types Apparmor, Selinux, IntelRdt and IDMap share this shape.
    public struct Enabled: Codable, Sendable, Equatable {
        public var enabled: Bool?

        public init(enabled: Bool? = nil) { self.enabled = enabled }
    }

    public struct MountExtensions: Codable, Sendable, Equatable {
        public var idmap: Enabled?

        public init(idmap: Enabled? = nil) { self.idmap = idmap }
    }

    /// What `runc features` prints: four-space indentation and a trailing newline.
    public func encodeForFeaturesCommand() -> String { OCIJSON.encode(self, indent: "    ") + "\n" }
}

extension Features {
    /// The hooks rune runs, in lifecycle order.
    public static let hookNames = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]

    /// Mount options in runc's list (mount(2) flags, propagation, recursive attributes, `tmpcopyup`).
    public static let mountOptionNames = [
        "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime",
        "loud", "mand", "noacl", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
        "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime",
        "relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
        "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave",
        "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid",
        "symfollow", "sync", "tmpcopyup", "unbindable",
    ]

    /// rune's features document. The caller states what the build and host support: the cgroup
    /// drivers, whether seccomp is compiled in, and annotations such as versions and commit.
    public static func rune(
        cgroup: Cgroup = Cgroup(v1: false, v2: true, systemd: false, systemdUser: false),
        seccompEnabled: Bool = true, annotations: [String: String]? = nil
    ) -> Features {
        let seccomp = seccompEnabled
            ? Seccomp(enabled: true, actions: LinuxSeccomp.knownActions, operators: LinuxSeccomp.knownOperators,
                      archs: LinuxSeccomp.libseccompArchitectures)
            : Seccomp(enabled: false)
        let linux = Linux(
            namespaces: LinuxNamespace.knownTypes, capabilities: LinuxCapabilities.known, cgroup: cgroup,
            seccomp: seccomp, apparmor: Enabled(enabled: false), selinux: Enabled(enabled: false))
        return Features(ociVersionMin: "1.0.0", ociVersionMax: Spec.version, hooks: hookNames,
                        mountOptions: mountOptionNames, linux: linux, annotations: annotations)
    }
}
