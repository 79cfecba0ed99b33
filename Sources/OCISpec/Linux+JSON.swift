// JSON mappings of the `linux` section and seccomp (see JSON/JSONTreeMapping.swift); resources are in
// LinuxResources+JSON.swift.

extension Linux: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("uidMappings", &uidMappings)
        try fields.map("gidMappings", &gidMappings)
        try fields.map("sysctl", &sysctl)
        try fields.map("resources", &resources)
        try fields.map("cgroupsPath", &cgroupsPath)
        try fields.map("namespaces", &namespaces)
        try fields.map("devices", &devices)
        try fields.map("seccomp", &seccomp)
        try fields.map("rootfsPropagation", &rootfsPropagation)
        try fields.map("maskedPaths", &maskedPaths)
        try fields.map("readonlyPaths", &readonlyPaths)
        try fields.map("mountLabel", &mountLabel)
        try fields.map("intelRdt", &intelRdt)
        try fields.map("personality", &personality)
        try fields.map("timeOffsets", &timeOffsets)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxNamespace: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("type", &type)
        try fields.map("path", &path)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxIDMapping: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("containerID", &containerID)
        try fields.map("hostID", &hostID)
        try fields.map("size", &size)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxTimeOffset: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("secs", &secs)
        try fields.map("nanosecs", &nanosecs)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxDevice: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("path", &path)
        try fields.map("type", &type)
        try fields.map("major", &major)
        try fields.map("minor", &minor)
        try fields.map("fileMode", &fileMode)
        try fields.map("uid", &uid)
        try fields.map("gid", &gid)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxPersonality: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("domain", &domain)
        try fields.map("flags", &flags)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxIntelRdt: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("closID", &closID)
        try fields.map("l3CacheSchema", &l3CacheSchema)
        try fields.map("memBwSchema", &memBwSchema)
        try fields.map("enableCMT", &enableCMT)
        try fields.map("enableMBM", &enableMBM)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxSeccomp: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("defaultAction", &defaultAction)
        try fields.map("defaultErrnoRet", &defaultErrnoRet)
        try fields.map("architectures", &architectures)
        try fields.map("flags", &flags)
        try fields.map("listenerPath", &listenerPath)
        try fields.map("listenerMetadata", &listenerMetadata)
        try fields.map("syscalls", &syscalls)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxSyscall: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("names", &names)
        try fields.map("action", &action)
        try fields.map("errnoRet", &errnoRet)
        try fields.map("args", &args)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxSeccompArg: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("index", &index)
        try fields.map("value", &value)
        try fields.map("valueTwo", &valueTwo)
        try fields.map("op", &op)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}
