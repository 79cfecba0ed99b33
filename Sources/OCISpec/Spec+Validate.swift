// Semantic checks of a decoded config.json, modelled on runc's validator and specconv checks: all
// problems are reported at once, each as "<field>: <problem>" in lower case without a final period.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import RuneSystem

/// Collects problems while the checks run.
struct ValidationReport {
    private(set) var problems: [String] = []

    mutating func add(_ field: String, _ problem: String) { problems.append("\(field): \(problem)") }
}

/// "mounts[3]": field names are made for every entry, so the index is written by bytes (RuneSystem).
func indexed(_ field: String, _ index: Int) -> String { field + "[" + String(decimal: index) + "]" }

extension Spec {
    /// Every problem found, empty when the spec is usable. `requireProcess` is false for callers that
    /// do not start a process from this spec (runc allows a missing process only in that case).
    public func validate(bundle: String, requireProcess: Bool = true) -> [String] {
        var report = ValidationReport()
        validateVersion(&report)
        validateRoot(bundle: bundle, &report)
        if let process {
            process.validate(&report)
        } else if requireProcess {
            report.add("process", "missing")
        }
        validateMounts(&report)
        hooks?.validate(&report)
        validateLinux(&report)
        return report.problems
    }

    /// The namespace types present in `linux.namespaces`.
    public var namespaceTypes: Set<String> { Set((linux?.namespaces ?? []).map(\.type)) }

    /// The rootfs path with a relative `root.path` resolved against `bundle`.
    public func rootfsPath(bundle: String) -> String? {
        guard let path = root?.path, !path.isEmpty else { return nil }
        return path.hasBytePrefix("/") ? path : Self.bundlePath(bundle, path)
    }

    func validateVersion(_ report: inout ValidationReport) {
        if ociVersion.isEmpty {
            report.add("ociVersion", "missing")
        } else if !ociVersion.hasBytePrefix("1.") {
            report.add("ociVersion", "unsupported version \(quoted(ociVersion)), expected 1.x")
        }
    }

    func validateRoot(bundle: String, _ report: inout ValidationReport) {
        guard root != nil else { return report.add("root", "missing") }
        guard let rootfs = rootfsPath(bundle: bundle) else { return report.add("root.path", "missing") }
        // runc refuses a rootfs that is itself a symlink ("not an absolute path, or a symlink").
        if FileKind.isSymlink(rootfs) { return report.add("root.path", "\(quoted(rootfs)) is a symlink") }
        switch FileKind.of(rootfs) {
        case .missing: report.add("root.path", "\(quoted(rootfs)) does not exist")
        case .other: report.add("root.path", "\(quoted(rootfs)) is not a directory")
        case .directory: break
        }
    }

    func validateMounts(_ report: inout ValidationReport) {
        for (index, mount) in (mounts ?? []).enumerated() {
            let field = indexed("mounts", index) + ".destination"
            if mount.destination.isEmpty {
                report.add(field, "missing")
            } else if !mount.destination.hasBytePrefix("/") {
                report.add(field, "\(quoted(mount.destination)) is not an absolute path")
            }
            if mount.destination.contains("\0") || (mount.source ?? "").contains("\0") {
                report.add(indexed("mounts", index), "contains a null byte")
            }
            if (mount.uidMappings == nil) != (mount.gidMappings == nil) {
                report.add(indexed("mounts", index), "uidMappings and gidMappings must be given together")
            }
        }
    }
}

extension Process {
    func validate(_ report: inout ValidationReport) {
        if (args ?? []).isEmpty { report.add("process.args", "must not be empty") }
        if cwd.isEmpty {
            report.add("process.cwd", "missing")
        } else if !cwd.hasBytePrefix("/") {
            report.add("process.cwd", "\(quoted(cwd)) is not an absolute path")
        }
        for (set, names) in capabilities?.namedSets ?? [] {
            for name in names ?? [] where LinuxCapabilities.number(of: name) == nil {
                report.add("process.capabilities.\(set)", "unknown capability \(quoted(name))")
            }
        }
        validateRlimits(&report)
        if let oomScoreAdj, !(-1000...1000).contains(oomScoreAdj) {
            report.add("process.oomScoreAdj", "\(oomScoreAdj) is out of range -1000...1000")
        }
        validateScheduling(&report)
    }

    func validateRlimits(_ report: inout ValidationReport) {
        var seen = Set<String>()
        for (index, rlimit) in (rlimits ?? []).enumerated() {
            let field = indexed("process.rlimits", index)
            if POSIXRlimit.knownTypes[rlimit.type] == nil {
                report.add("\(field).type", "unknown rlimit \(quoted(rlimit.type))")
            } else if !seen.insert(rlimit.type).inserted {
                report.add("\(field).type", "duplicate rlimit \(quoted(rlimit.type))")
            }
            if rlimit.soft > rlimit.hard {
                report.add(field, "soft limit \(rlimit.soft) exceeds hard limit \(rlimit.hard)")
            }
        }
    }

    func validateScheduling(_ report: inout ValidationReport) {
        if let scheduler {
            if !Scheduler.knownPolicies.contains(scheduler.policy) {
                report.add("process.scheduler.policy", "unknown policy \(quoted(scheduler.policy))")
            }
            for flag in scheduler.flags ?? [] where !Scheduler.knownFlags.contains(flag) {
                report.add("process.scheduler.flags", "unknown flag \(quoted(flag))")
            }
        }
        if let ioPriority {
            if !LinuxIOPriority.knownClasses.contains(ioPriority.class) {
                report.add("process.ioPriority.class", "unknown class \(quoted(ioPriority.class))")
            }
            if !(0...7).contains(ioPriority.priority) {
                report.add("process.ioPriority.priority", "\(ioPriority.priority) is out of range 0...7")
            }
        }
    }
}

extension Hooks {
    var namedLists: [(name: String, hooks: [Hook]?)] {
        [("prestart", prestart), ("createRuntime", createRuntime), ("createContainer", createContainer),
         ("startContainer", startContainer), ("poststart", poststart), ("poststop", poststop)]
    }

    func validate(_ report: inout ValidationReport) {
        for (name, hooks) in namedLists {
            for (index, hook) in (hooks ?? []).enumerated() {
                let field = indexed("hooks.\(name)", index)
                if hook.path.isEmpty {
                    report.add("\(field).path", "missing")
                } else if !hook.path.hasBytePrefix("/") {
                    report.add("\(field).path", "\(quoted(hook.path)) is not an absolute path")
                }
                if let timeout = hook.timeout, timeout <= 0 {
                    report.add("\(field).timeout", "\(timeout) must be greater than zero")
                }
            }
        }
    }
}

/// What a path names, for the root and namespace-path checks.
enum FileKind {
    case missing, directory, other

    static func of(_ path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return info.st_mode & S_IFMT == S_IFDIR ? .directory : .other
    }

    static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }
}

/// A string in double quotes, as Go's %q prints it for plain text.
func quoted(_ text: String) -> String {
    JSONWriter.write(.string(text))
}
