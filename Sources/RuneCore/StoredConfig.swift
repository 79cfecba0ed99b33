import OCISpec

/// A container's config as state.json holds it. Most commands (start, kill, state, list, delete without
/// poststop hooks) never need the whole spec, and mapping it to `Spec` was about a quarter of a `rune
/// start` (the mapping code's page faults and first-use generic metadata, docs/performance.md). So the
/// parsed JSON tree is kept and mapped only when asked; the few members those commands read come
/// straight from the tree.
public struct StoredConfig: Sendable {
    private var tree: JSONValue?
    private var mapped: Spec?

    public init(_ spec: Spec) { mapped = spec }

    /// The whole spec; the error names what in the stored config does not map.
    public func spec() throws(RuneError) -> Spec {
        if let mapped { return mapped }
        do { return try Spec(jsonTree: tree, at: .root) } catch { throw RuneError(.failed, "state.json: config: \(error)") }
    }

    public var ociVersion: String {
        if let mapped { return mapped.ociVersion }
        return (try? String(jsonTree: tree?.member("ociVersion"), at: .root)) ?? ""
    }

    public var annotations: [String: String]? {
        if let mapped { return mapped.annotations }
        return (try? [String: String]?(jsonTree: tree?.member("annotations"), at: .root)) ?? nil
    }

    /// Whether `delete` has poststop hooks to run (then it maps the whole spec). Members are looked up
    /// with the mapping's rules (Go's: a key differing only in ASCII case matches).
    public var hasPoststopHooks: Bool {
        if let mapped { return !(mapped.hooks?.poststop ?? []).isEmpty }
        guard case .array(let hooks)? = tree?.member("hooks")?.member("poststop") else { return false }
        return !hooks.isEmpty
    }
}

extension StoredConfig: JSONTreeValue {
    package init(jsonTree value: JSONValue?, at path: JSONTreePath) throws(JSONDecodeFailure) {
        tree = value
        mapped = nil
    }

    /// Written through the mapping when it maps (as a `Spec` would be written), else as it was read.
    package var jsonTree: JSONValue? {
        if let mapped { return mapped.jsonTree }
        if let spec = try? Spec(jsonTree: tree, at: .root) { return spec.jsonTree }
        return tree
    }
}
