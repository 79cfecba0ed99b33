// JSON mappings of `linux.resources` (see JSON/JSONTreeMapping.swift).

extension LinuxResources: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("devices", &devices)
        try fields.map("memory", &memory)
        try fields.map("cpu", &cpu)
        try fields.map("pids", &pids)
        try fields.map("blockIO", &blockIO)
        try fields.map("hugepageLimits", &hugepageLimits)
        try fields.map("network", &network)
        try fields.map("rdma", &rdma)
        try fields.map("unified", &unified)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxDeviceCgroup: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("allow", &allow)
        try fields.map("type", &type)
        try fields.map("major", &major)
        try fields.map("minor", &minor)
        try fields.map("access", &access)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxMemory: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("limit", &limit)
        try fields.map("reservation", &reservation)
        try fields.map("swap", &swap)
        try fields.map("kernel", &kernel)
        try fields.map("kernelTCP", &kernelTCP)
        try fields.map("swappiness", &swappiness)
        try fields.map("disableOOMKiller", &disableOOMKiller)
        try fields.map("useHierarchy", &useHierarchy)
        try fields.map("checkBeforeUpdate", &checkBeforeUpdate)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxCPU: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("shares", &shares)
        try fields.map("quota", &quota)
        try fields.map("burst", &burst)
        try fields.map("period", &period)
        try fields.map("realtimeRuntime", &realtimeRuntime)
        try fields.map("realtimePeriod", &realtimePeriod)
        try fields.map("cpus", &cpus)
        try fields.map("mems", &mems)
        try fields.map("idle", &idle)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxPids: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("limit", &limit)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxBlockIO: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("weight", &weight)
        try fields.map("leafWeight", &leafWeight)
        try fields.map("weightDevice", &weightDevice)
        try fields.map("throttleReadBpsDevice", &throttleReadBpsDevice)
        try fields.map("throttleWriteBpsDevice", &throttleWriteBpsDevice)
        try fields.map("throttleReadIOPSDevice", &throttleReadIOPSDevice)
        try fields.map("throttleWriteIOPSDevice", &throttleWriteIOPSDevice)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxWeightDevice: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("major", &major)
        try fields.map("minor", &minor)
        try fields.map("weight", &weight)
        try fields.map("leafWeight", &leafWeight)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxThrottleDevice: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("major", &major)
        try fields.map("minor", &minor)
        try fields.map("rate", &rate)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxHugepageLimit: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("pageSize", &pageSize)
        try fields.map("limit", &limit)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxNetwork: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("classID", &classID)
        try fields.map("priorities", &priorities)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxInterfacePriority: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("name", &name)
        try fields.map("priority", &priority)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}

extension LinuxRdma: JSONTreeObject {
    package init(jsonBlank: Void) { self.init() }

    package mutating func mapJSONFields(_ fields: inout JSONFields) throws(JSONDecodeFailure) {
        try fields.map("hcaHandles", &hcaHandles)
        try fields.map("hcaObjects", &hcaObjects)
    }

    public init(from decoder: any Decoder) throws { self = try JSONTreeBridge.decode(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try JSONTreeBridge.encode(self, to: encoder) }
}
