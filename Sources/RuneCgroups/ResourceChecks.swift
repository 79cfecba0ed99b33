import OCISpec

/// Range checks shared by the v1 and v2 writers, so a bad value fails before anything is written
/// and the error names the spec field rather than a kernel file.
enum ResourceChecks {
    static let memoryField = "linux.resources.memory"
    static let cpuField = "linux.resources.cpu"

    static func memory(_ m: LinuxMemory) throws(CgroupError) {
        for (name, value) in [("limit", m.limit), ("reservation", m.reservation), ("swap", m.swap)] {
            if let value, value < -1 {
                throw .invalid(field: "\(memoryField).\(name)", reason: "\(value) is negative (only -1, unlimited, is allowed)")
            }
        }
        if let swappiness = m.swappiness, swappiness > 100 {
            throw .invalid(field: "\(memoryField).swappiness", reason: "\(swappiness) is outside 0-100")
        }
        if let swap = m.swap, swap > 0 {
            let limit = m.limit ?? 0
            if limit == 0 || limit == -1 {
                // Only an update may raise swap alone: the current limit is then read from the kernel.
                return
            }
            if swap < limit {
                throw .invalid(field: "\(memoryField).swap",
                               reason: "memory+swap limit \(swap) is below the memory limit \(limit)")
            }
        }
    }

    static func cpu(_ c: LinuxCPU) throws(CgroupError) {
        if let shares = c.shares, shares != 0, !(2...262_144).contains(shares) {
            throw .invalid(field: "\(cpuField).shares", reason: "\(shares) is outside 2-262144")
        }
        if let quota = c.quota, quota < -1 || (quota > 0 && quota < 1000) {
            throw .invalid(field: "\(cpuField).quota", reason: "\(quota) is neither -1 nor at least 1000 µs")
        }
        if let period = c.period, period != 0, !(1000...1_000_000).contains(period) {
            throw .invalid(field: "\(cpuField).period", reason: "\(period) is outside 1000-1000000 µs")
        }
        if let runtime = c.realtimeRuntime, runtime < -1 {
            throw .invalid(field: "\(cpuField).realtimeRuntime", reason: "\(runtime) is negative (only -1 is allowed)")
        }
        if let idle = c.idle, idle != 0, idle != 1 {
            throw .invalid(field: "\(cpuField).idle", reason: "\(idle) is neither 0 nor 1")
        }
    }

    /// Weights above 1000 are refused by every kernel interface; the lower bound depends on the
    /// file (BFQ takes 1, CFQ and io.weight's conversion need 10), so it is checked where written.
    static func blockIO(_ b: LinuxBlockIO) throws(CgroupError) {
        let field = "linux.resources.blockIO"
        for (name, value) in [("weight", b.weight), ("leafWeight", b.leafWeight)] {
            if let value, value > 1000 {
                throw .invalid(field: "\(field).\(name)", reason: "\(value) is above 1000")
            }
        }
        for (index, device) in (b.weightDevice ?? []).enumerated() {
            for (name, value) in [("weight", device.weight), ("leafWeight", device.leafWeight)] {
                if let value, value > 1000 {
                    throw .invalid(field: "\(field).weightDevice[\(index)].\(name)", reason: "\(value) is above 1000")
                }
            }
        }
    }

    /// The warning runc prints for kernel memory, which current kernels no longer limit.
    static func kernelMemoryWarning(_ m: LinuxMemory?) -> String? {
        guard let m, m.kernel != nil || m.kernelTCP != nil else { return nil }
        return "kernel memory settings (linux.resources.memory.kernel, kernelTCP) are ignored"
    }

    /// "8:0 100" style lines for per-device files.
    static func deviceLine(_ major: Int64, _ minor: Int64, _ value: String) -> String { "\(major):\(minor) \(value)" }
}
