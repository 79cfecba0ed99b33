import OCISpec
import RuneCore
import RuneSystem

struct UpdateCommand: Command {
    static let name = "update"
    static let summary = "update container resource constraints"
    static let usage = "[command options] <container-id>"
    static let flags: [Flag] = [
        .value("resources", "r", help: "path to the file containing the resources to update or '-' to read from the standard input"),
        .value("memory", help: "memory limit (in bytes)"),
        .value("memory-reservation", help: "memory reservation or soft_limit (in bytes)"),
        .value("memory-swap", help: "total memory usage (memory + swap); set '-1' to enable unlimited swap"),
        .value("cpu-shares", help: "CPU shares (relative weight vs. other containers)"),
        .value("cpu-quota", help: "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"),
        .value("cpu-period", help: "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"),
        .value("cpuset-cpus", help: "CPU(s) to use"),
        .value("cpuset-mems", help: "memory node(s) to use"),
        .value("pids-limit", help: "maximum number of pids allowed in the container"),
        .value("blkio-weight", help: "specifies per cgroup weight, range is from 10 to 1000"),
        .value("kernel-memory", help: "accepted and ignored, as runc does on current kernels"),
        .value("kernel-memory-tcp", help: "accepted and ignored"),
    ]

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        var resources = LinuxResources()
        if let path = args.string("resources") {
            do {
                let bytes = path == "-" ? try FileSystem.readAll(fd: 0, context: "stdin") : try FileSystem.readBytes(path)
                resources = try OCIJSON.decode(LinuxResources.self, from: bytes, name: path)
            } catch { throw RuneError(.invalidArgument, "update --resources \(path): \(error)") }
        }
        func int(_ name: String) throws(RuneError) -> Int64? {
            guard let v = args.string(name) else { return nil }
            guard let n = Int64(v) else { throw RuneError(.invalidArgument, "invalid value for --\(name): \(v)") }
            return n
        }
        func bytes(_ name: String) throws(RuneError) -> Int64? {
            guard let v = args.string(name) else { return nil }
            guard let n = parseBytes(v) else { throw RuneError(.invalidArgument, "invalid value for --\(name): \(v)") }
            return n
        }
        if let v = try bytes("memory") { resources.memory = resources.memory ?? LinuxMemory(); resources.memory?.limit = v }
        if let v = try bytes("memory-reservation") { resources.memory = resources.memory ?? LinuxMemory(); resources.memory?.reservation = v }
        if let v = try bytes("memory-swap") { resources.memory = resources.memory ?? LinuxMemory(); resources.memory?.swap = v }
        if let v = try int("cpu-shares") { resources.cpu = resources.cpu ?? LinuxCPU(); resources.cpu?.shares = UInt64(v) }
        if let v = try int("cpu-quota") { resources.cpu = resources.cpu ?? LinuxCPU(); resources.cpu?.quota = v }
        if let v = try int("cpu-period") { resources.cpu = resources.cpu ?? LinuxCPU(); resources.cpu?.period = UInt64(v) }
        if let v = args.string("cpuset-cpus") { resources.cpu = resources.cpu ?? LinuxCPU(); resources.cpu?.cpus = v }
        if let v = args.string("cpuset-mems") { resources.cpu = resources.cpu ?? LinuxCPU(); resources.cpu?.mems = v }
        if let v = try int("pids-limit") { resources.pids = LinuxPids(limit: v) }
        if let v = try int("blkio-weight") { resources.blockIO = resources.blockIO ?? LinuxBlockIO(); resources.blockIO?.weight = UInt16(v) }
        try global.runtime().update(id: args.positionals[0], resources: resources)
        return 0
    }
}

/// Sizes as runc's update accepts them (go-units RAMInBytes): a number with an optional binary suffix
/// k, m, g, t or p (with or without "b", any case); "-1" means unlimited.
func parseBytes(_ text: String) -> Int64? {
    if let n = Int64(text) { return n }
    var s = text.lowercased()
    if s.hasSuffix("b") { s.removeLast() }
    guard let unit = s.last, let power = ["k": 1, "m": 2, "g": 3, "t": 4, "p": 5][String(unit)],
          let value = Double(s.dropLast()), value >= 0 else { return nil }
    var result = value
    for _ in 0..<power { result *= 1024 }
    return Int64(result)
}
