// JSON mappings of config.json's top level (see JSON/JSONTreeMapping.swift): one list of the stored
// properties per type, in declaration order, for decoding, encoding and Codable.

extension Spec: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("ociVersion", &ociVersion)
        try fields.map("process", &process)
        try fields.map("root", &root)
        try fields.map("hostname", &hostname)
        try fields.map("domainname", &domainname)
        try fields.map("mounts", &mounts)
        try fields.map("hooks", &hooks)
        try fields.map("annotations", &annotations)
        try fields.map("linux", &linux)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Root: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("path", &path)
        try fields.map("readonly", &readonly)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Mount: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("destination", &destination)
        try fields.map("type", &type)
        try fields.map("source", &source)
        try fields.map("options", &options)
        try fields.map("uidMappings", &uidMappings)
        try fields.map("gidMappings", &gidMappings)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Hook: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("path", &path)
        try fields.map("args", &args)
        try fields.map("env", &env)
        try fields.map("timeout", &timeout)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Hooks: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("prestart", &prestart)
        try fields.map("createRuntime", &createRuntime)
        try fields.map("createContainer", &createContainer)
        try fields.map("startContainer", &startContainer)
        try fields.map("poststart", &poststart)
        try fields.map("poststop", &poststop)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}
