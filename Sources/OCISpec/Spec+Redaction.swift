// A copy of the spec that is safe to log: environment values and hook environments often carry secrets.

extension Spec {
    /// The spec with every `NAME=value` in process.env and hook env reduced to `NAME=<redacted>`.
    public func redactedForLogging() -> Spec {
        var copy = self
        copy.process?.env = process?.env.map(Self.redact)
        if var hooks = copy.hooks {
            hooks.prestart = hooks.prestart.map(Self.redact)
            hooks.createRuntime = hooks.createRuntime.map(Self.redact)
            hooks.createContainer = hooks.createContainer.map(Self.redact)
            hooks.startContainer = hooks.startContainer.map(Self.redact)
            hooks.poststart = hooks.poststart.map(Self.redact)
            hooks.poststop = hooks.poststop.map(Self.redact)
            copy.hooks = hooks
        }
        return copy
    }

    static func redact(_ hooks: [Hook]) -> [Hook] {
        hooks.map { hook in
            var copy = hook
            copy.env = hook.env.map(redact)
            return copy
        }
    }

    static func redact(_ environment: [String]) -> [String] {
        environment.map { entry in
            guard let equals = entry.firstIndex(of: "=") else { return entry }
            return entry[..<equals] + "=<redacted>"
        }
    }
}
