// JSON mappings of the `process` section (see JSON/JSONTreeMapping.swift).

extension Process: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("terminal", &terminal)
        try fields.map("consoleSize", &consoleSize)
        try fields.map("user", &user)
        try fields.map("args", &args)
        try fields.map("env", &env)
        try fields.map("cwd", &cwd)
        try fields.map("capabilities", &capabilities)
        try fields.map("rlimits", &rlimits)
        try fields.map("noNewPrivileges", &noNewPrivileges)
        try fields.map("apparmorProfile", &apparmorProfile)
        try fields.map("oomScoreAdj", &oomScoreAdj)
        try fields.map("scheduler", &scheduler)
        try fields.map("selinuxLabel", &selinuxLabel)
        try fields.map("ioPriority", &ioPriority)
        try fields.map("execCPUAffinity", &execCPUAffinity)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Box: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("height", &height)
        try fields.map("width", &width)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension User: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("uid", &uid)
        try fields.map("gid", &gid)
        try fields.map("umask", &umask)
        try fields.map("additionalGids", &additionalGids)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxCapabilities: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("bounding", &bounding)
        try fields.map("effective", &effective)
        try fields.map("inheritable", &inheritable)
        try fields.map("permitted", &permitted)
        try fields.map("ambient", &ambient)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension POSIXRlimit: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("type", &type)
        try fields.map("hard", &hard)
        try fields.map("soft", &soft)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension Scheduler: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("policy", &policy)
        try fields.map("nice", &nice)
        try fields.map("priority", &priority)
        try fields.map("flags", &flags)
        try fields.map("runtime", &runtime)
        try fields.map("deadline", &deadline)
        try fields.map("period", &period)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxIOPriority: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("class", &`class`)
        try fields.map("priority", &priority)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension CPUAffinity: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("initial", &initial)
        try fields.map("final", &final)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}
