// JSON mappings of the state and features documents (see JSON/JSONTreeMapping.swift).

extension State: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("ociVersion", &ociVersion)
        try fields.map("id", &id)
        try fields.map("status", &status)
        try fields.map("pid", &pid)
        try fields.map("bundle", &bundle)
        try fields.map("annotations", &annotations)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension RuncState: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("ociVersion", &ociVersion)
        try fields.map("id", &id)
        try fields.map("pid", &pid)
        try fields.map("status", &status)
        try fields.map("bundle", &bundle)
        try fields.map("rootfs", &rootfs)
        try fields.map("created", &created)
        // Go's omitempty drops an empty map as well as a nil one.
        try fields.mapOmittingEmpty("annotations", &annotations)
        try fields.map("owner", &owner)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Features: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("ociVersionMin", &ociVersionMin)
        try fields.map("ociVersionMax", &ociVersionMax)
        try fields.map("hooks", &hooks)
        try fields.map("mountOptions", &mountOptions)
        try fields.map("linux", &linux)
        try fields.map("annotations", &annotations)
        try fields.map("potentiallyUnsafeConfigAnnotations", &potentiallyUnsafeConfigAnnotations)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Features.Linux: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("namespaces", &namespaces)
        try fields.map("capabilities", &capabilities)
        try fields.map("cgroup", &cgroup)
        try fields.map("seccomp", &seccomp)
        try fields.map("apparmor", &apparmor)
        try fields.map("selinux", &selinux)
        try fields.map("intelRdt", &intelRdt)
        try fields.map("mountExtensions", &mountExtensions)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Features.Cgroup: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("v1", &v1)
        try fields.map("v2", &v2)
        try fields.map("systemd", &systemd)
        try fields.map("systemdUser", &systemdUser)
        try fields.map("rdma", &rdma)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Features.Seccomp: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("enabled", &enabled)
        try fields.map("actions", &actions)
        try fields.map("operators", &operators)
        try fields.map("archs", &archs)
        try fields.map("knownFlags", &knownFlags)
        try fields.map("supportedFlags", &supportedFlags)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Features.Enabled: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("enabled", &enabled)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Features.MountExtensions: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("idmap", &idmap)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}
