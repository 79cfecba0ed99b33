import Glibc

/// The shim's configuration file (default `/etc/rune/shim.toml`; optional). A TOML subset:
/// `[section]` headers, `key = "string" | true | false | integer`, `#` comments. See docs/shim.md.
public struct ShimConfig: Sendable, Equatable {
    public static let defaultPath = "/etc/rune/shim.toml"
    public static let defaultRoot = "/run/containerd/rune"

    /// OCI runtime binary: a name looked up next to the shim and on PATH, or an absolute path.
    public var runtime = "rune"
    /// Runtime state root; the runtime gets `--root <root>/<namespace>`.
    public var root = defaultRoot
    public var systemdCgroup = false
    public var carrier = CarrierConfig()

    public struct CarrierConfig: Sendable, Equatable {
        /// The `rune-enclave` tool; a bare name is looked up next to the shim, then on PATH.
        public var enclaveTool = "rune-enclave"
        /// Private key used to sign workloads at Create. Empty: no signing key configured.
        public var signingKey = ""
        /// Refuse enclave workloads that ship no signature and cannot be signed here.
        public var requireSignature = false
        /// The Wasm PAL rune loads, written to `enclave.runtime.path`.
        public var palPath = ""
        public var logLevel = "info"
    }

    public init() {}

    /// Loads `path`; a missing file gives the defaults unless `mustExist` (the path was named explicitly).
    public static func load(path: String, mustExist: Bool = false) throws -> ShimConfig {
        guard Sys.exists(path) else {
            if mustExist { throw ShimError.invalidArgument("shim config \(path): no such file") }
            return ShimConfig()
        }
        return try parse(try Sys.readText(path), source: path)
    }

    public static func parse(_ text: String, source: String = "shim.toml") throws -> ShimConfig {
        var config = ShimConfig()
        var section = ""
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(rawLine)).trimmingSpaces()
            if line.isEmpty { continue }
            let at = "\(source):\(n + 1)"
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw ShimError.invalidArgument("\(at): bad section header") }
                section = String(line.dropFirst().dropLast()).trimmingSpaces()
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw ShimError.invalidArgument("\(at): expected key = value") }
            let key = String(line[..<eq]).trimmingSpaces()
            let value = try TOMLValue(String(line[line.index(after: eq)...]).trimmingSpaces(), at: at)
            try config.set(section.isEmpty ? key : "\(section).\(key)", value, at: at)
        }
        return config
    }

    private mutating func set(_ key: String, _ value: TOMLValue, at: String) throws {
        switch key {
        case "runtime": runtime = try value.string(key, at)
        case "root": root = try value.string(key, at)
        case "systemd_cgroup": systemdCgroup = try value.bool(key, at)
        case "carrier.enclave_tool": carrier.enclaveTool = try value.string(key, at)
        case "carrier.signing_key": carrier.signingKey = try value.string(key, at)
        case "carrier.require_signature": carrier.requireSignature = try value.bool(key, at)
        case "carrier.pal_path": carrier.palPath = try value.string(key, at)
        case "carrier.log_level": carrier.logLevel = try value.string(key, at)
        case "log_level", "debug": break
        default: throw ShimError.invalidArgument("\(at): unknown setting \(key)")
        }
    }

    private static func stripComment(_ line: String) -> String {
        var inString = false
        var out = ""
        for c in line {
            if c == "\"" { inString.toggle() }
            if c == "#" && !inString { break }
            out.append(c)
        }
        return out
    }
}

enum TOMLValue {
    case string(String), bool(Bool), int(Int)

    init(_ text: String, at: String) throws {
        if text == "true" { self = .bool(true); return }
        if text == "false" { self = .bool(false); return }
        if let i = Int(text) { self = .int(i); return }
        guard text.count >= 2, text.hasPrefix("\"") || text.hasPrefix("'"), text.last == text.first else {
            throw ShimError.invalidArgument("\(at): bad value \(text)")
        }
        let inner = String(text.dropFirst().dropLast())
        self = .string(text.hasPrefix("'") ? inner : inner.replacingEscapes())
    }

    func string(_ key: String, _ at: String) throws -> String {
        guard case .string(let s) = self else { throw ShimError.invalidArgument("\(at): \(key) must be a string") }
        return s
    }

    func bool(_ key: String, _ at: String) throws -> Bool {
        guard case .bool(let b) = self else { throw ShimError.invalidArgument("\(at): \(key) must be true or false") }
        return b
    }
}

extension String {
    func replacingEscapes() -> String {
        var out = ""
        var escaped = false
        for c in self {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
