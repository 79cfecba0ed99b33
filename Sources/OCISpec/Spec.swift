// OCI runtime-spec v1.2 configuration (config.json), hand-written after specs-go/config.go v1.2.0
// (plus `process.execCPUAffinity` from v1.2.1). Complete for Linux; the Windows, Solaris, VM and z/OS
// sections are not modelled and are ignored when present, as are all unknown fields (runc does the same).
//
// Conventions: type names are the Go names; property names are the JSON keys; a Go pointer or
// `omitempty` field is a Swift optional, and encoding leaves nil optionals out. Decoding follows Go:
// a missing or null non-optional field takes its zero value, so semantic checks live in `validate`.
// Every type's JSON mapping (and so its Codable) is in the matching `+JSON.swift` file; a property
// added here must be added there too (JSONMappingTests fails otherwise).
//
// Entry points: `Spec.load(bundle:)` / `Spec.decode(data:)` (one-line `SpecError`), `spec.validate(bundle:)`
// (all problems), `Spec.defaultSpec(rootless:)` + `encodeForSpecCommand()` (`rune spec`), `State` (hooks),
// `RuncState` (`rune state`/`list`), `Features.rune(...)` (`rune features`), and `OCIJSON` for other documents.

/// The container configuration: `config.json` in a bundle.
public struct Spec: Codable, Sendable, Equatable {
    /// The runtime-spec version these types implement; `rune features` reports it as ociVersionMax.
    public static let version = "1.2.0"

    public var ociVersion: String
    public var process: Process?
    public var root: Root?
    public var hostname: String?
    public var domainname: String?
    public var mounts: [Mount]?
    public var hooks: Hooks?
    public var annotations: [String: String]?
    public var linux: Linux?

    public init(
        ociVersion: String = Spec.version, process: Process? = nil, root: Root? = nil, hostname: String? = nil,
        domainname: String? = nil, mounts: [Mount]? = nil, hooks: Hooks? = nil, annotations: [String: String]? = nil,
        linux: Linux? = nil
    ) {
        self.ociVersion = ociVersion
        self.process = process
        self.root = root
        self.hostname = hostname
        self.domainname = domainname
        self.mounts = mounts
        self.hooks = hooks
        self.annotations = annotations
        self.linux = linux
    }
}

/// The container's root filesystem; `path` is absolute or relative to the bundle.
public struct Root: Codable, Sendable, Equatable {
    public var path: String
    public var readonly: Bool?

    public init(path: String = "", readonly: Bool? = nil) {
        self.path = path
        self.readonly = readonly
    }
}

/// One entry of `mounts`.
public struct Mount: Codable, Sendable, Equatable {
    public var destination: String
    public var type: String?
    public var source: String?
    public var options: [String]?
    public var uidMappings: [LinuxIDMapping]?
    public var gidMappings: [LinuxIDMapping]?

    public init(
        destination: String = "", type: String? = nil, source: String? = nil, options: [String]? = nil,
        uidMappings: [LinuxIDMapping]? = nil, gidMappings: [LinuxIDMapping]? = nil
    ) {
        self.destination = destination
        self.type = type
        self.source = source
        self.options = options
        self.uidMappings = uidMappings
        self.gidMappings = gidMappings
    }
}

/// A lifecycle hook command; `timeout` is in seconds.
public struct Hook: Codable, Sendable, Equatable {
    public var path: String
    public var args: [String]?
    public var env: [String]?
    public var timeout: Int?

    public init(path: String = "", args: [String]? = nil, env: [String]? = nil, timeout: Int? = nil) {
        self.path = path
        self.args = args
        self.env = env
        self.timeout = timeout
    }
}

/// Hooks by lifecycle point; `prestart` is deprecated in the spec but still run by runc.
public struct Hooks: Codable, Sendable, Equatable {
    public var prestart: [Hook]?
    public var createRuntime: [Hook]?
    public var createContainer: [Hook]?
    public var startContainer: [Hook]?
    public var poststart: [Hook]?
    public var poststop: [Hook]?

    public init(
        prestart: [Hook]? = nil, createRuntime: [Hook]? = nil, createContainer: [Hook]? = nil,
        startContainer: [Hook]? = nil, poststart: [Hook]? = nil, poststop: [Hook]? = nil
    ) {
        self.prestart = prestart
        self.createRuntime = createRuntime
        self.createContainer = createContainer
        self.startContainer = startContainer
        self.poststart = poststart
        self.poststop = poststop
    }
}
