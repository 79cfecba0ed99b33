import ShimProto
import SwiftProtobuf

/// Which runtime binary and state root a container uses, resolved once at Create and saved in the
/// bundle (`rune-shim.json`) so that the `delete` subcommand finds them after a crash.
public struct RuntimeSettings: Sendable, Equatable {
    public static let fileName = "rune-shim.json"

    public var binary: String
    public var root: String
    public var systemdCgroup = false
    public var noPivot = false
    public var noNewKeyring = false

    /// Order: runc Options.BinaryName > $RUNE_SHIM_RUNTIME > config `runtime`; a bare name is found
    /// next to the shim binary, then on PATH.
    public static func resolve(options: Containerd_Runc_V1_Options?, config: ShimConfig) throws -> RuntimeSettings {
        var name = config.runtime
        if let env = Sys.env("RUNE_SHIM_RUNTIME"), !env.isEmpty { name = env }
        if let b = options?.binaryName, !b.isEmpty { name = b }
        guard let binary = locate(name) else {
            throw ShimError.failedPrecondition("runtime binary \"\(name)\" not found next to the shim or on PATH")
        }
        var s = RuntimeSettings(binary: binary, root: config.root, systemdCgroup: config.systemdCgroup)
        if let o = options {
            if !o.root.isEmpty { s.root = o.root }
            s.systemdCgroup = s.systemdCgroup || o.systemdCgroup
            s.noPivot = o.noPivotRoot
            s.noNewKeyring = o.noNewKeyring
        }
        return s
    }

    /// A bare tool name next to the shim binary first, then on PATH; paths are checked as they are.
    static func locate(_ name: String) -> String? {
        if name.contains("/") { return Sys.isExecutable(name) ? name : nil }
        let beside = Sys.dirname(Sys.selfExecutable()) + "/" + name
        if Sys.isExecutable(beside) { return beside }
        return Sys.lookPath(name)
    }

    public func client(namespace: String, bundle: String) -> RuneClient {
        RuneClient(binary: binary, root: root + "/" + namespace, logPath: bundle + "/log.json", systemdCgroup: systemdCgroup)
    }

    public func save(bundle: String) throws {
        let json = JSON.object([("binary", .string(binary)), ("root", .string(root)), ("systemd_cgroup", .bool(systemdCgroup))])
        try Sys.writeFile(bundle + "/" + Self.fileName, json.serialized())
    }

    public static func load(bundle: String) -> RuntimeSettings? {
        guard let bytes = try? Sys.readFile(bundle + "/" + fileName), let j = try? JSON.parse(bytes),
              let binary = j["binary"]?.string, let root = j["root"]?.string else { return nil }
        return RuntimeSettings(binary: binary, root: root, systemdCgroup: j["systemd_cgroup"]?.bool ?? false)
    }
}

/// Create's `options` Any: runc-type options, or runtimeoptions.v1.Options naming a config file.
struct CreateOptions {
    var runc: Containerd_Runc_V1_Options?
    var configPath: String?

    init(_ any: Google_Protobuf_Any?) throws {
        guard let any, !any.typeURL.isEmpty else { return }
        let name = any.typeURL.split(separator: "/").last.map(String.init) ?? any.typeURL
        switch name {
        case Containerd_Runc_V1_Options.protoMessageName:
            runc = try Containerd_Runc_V1_Options(serializedBytes: any.value)
        case Runtimeoptions_V1_Options.protoMessageName:
            let o = try Runtimeoptions_V1_Options(serializedBytes: any.value)
            if !o.configPath.isEmpty { configPath = o.configPath }
        default:
            throw ShimError.invalidArgument("unsupported runtime options type \(any.typeURL)")
        }
    }
}
