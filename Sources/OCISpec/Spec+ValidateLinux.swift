// Checks of the `linux` section (namespaces, id mappings, sysctl, seccomp, devices), after runc's
// validator and specconv: which settings need which namespace, and which names are known.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import RuneSystem

extension Spec {
    func validateLinux(_ report: inout ValidationReport) {
        let namespaces = validateNamespaces(&report)
        validateUserNamespace(namespaces, &report)
        if hostname.map({ !$0.isEmpty }) == true, namespaces["uts"] == nil {
            report.add("hostname", "requires a uts namespace")
        }
        if domainname.map({ !$0.isEmpty }) == true, namespaces["uts"] == nil {
            report.add("domainname", "requires a uts namespace")
        }
        guard let linux else { return }
        validateSysctl(linux.sysctl ?? [:], namespaces, &report)
        for (field, paths) in [("linux.maskedPaths", linux.maskedPaths), ("linux.readonlyPaths", linux.readonlyPaths)] {
            if !(paths ?? []).isEmpty, namespaces["mount"] == nil { report.add(field, "requires a mount namespace") }
        }
        if !Linux.knownRootfsPropagations.contains(linux.rootfsPropagation ?? "") {
            report.add("linux.rootfsPropagation", "unknown value \(quoted(linux.rootfsPropagation ?? ""))")
        }
        if linux.timeOffsets != nil {
            if namespaces["time"] == nil {
                report.add("linux.timeOffsets", "requires a time namespace")
            } else if namespaces["time"] != "" {
                report.add("linux.timeOffsets", "cannot be set when joining an existing time namespace")
            }
        }
        linux.seccomp?.validate(&report)
        linux.validateDevices(&report)
        linux.validateMisc(&report)
    }

    /// Checks each namespace entry; returns type → join path ("" when the namespace is created).
    func validateNamespaces(_ report: inout ValidationReport) -> [String: String] {
        var found: [String: String] = [:]
        for (index, namespace) in (linux?.namespaces ?? []).enumerated() {
            let field = indexed("linux.namespaces", index)
            guard LinuxNamespace.knownTypes.contains(namespace.type) else {
                report.add("\(field).type", "unknown namespace type \(quoted(namespace.type))")
                continue
            }
            if found[namespace.type] != nil {
                report.add("\(field).type", "duplicate namespace \(quoted(namespace.type))")
                continue
            }
            let path = namespace.path ?? ""
            found[namespace.type] = path
            if path.isEmpty { continue }
            if !path.hasBytePrefix("/") {
                report.add("\(field).path", "\(quoted(path)) is not an absolute path")
            } else if FileKind.of(path) == .missing {
                report.add("\(field).path", "\(quoted(path)) does not exist")
            }
        }
        return found
    }

    func validateUserNamespace(_ namespaces: [String: String], _ report: inout ValidationReport) {
        let hasMappings = linux?.uidMappings != nil || linux?.gidMappings != nil
        guard let userPath = namespaces["user"] else {
            if linux?.uidMappings != nil { report.add("linux.uidMappings", "requires a user namespace") }
            if linux?.gidMappings != nil { report.add("linux.gidMappings", "requires a user namespace") }
            return
        }
        if userPath.isEmpty, !hasMappings {
            report.add("linux.namespaces", "a new user namespace needs linux.uidMappings and linux.gidMappings")
        }
        for (field, maps) in [("linux.uidMappings", linux?.uidMappings), ("linux.gidMappings", linux?.gidMappings)] {
            for (index, map) in (maps ?? []).enumerated() where map.size == 0 {
                report.add(indexed(field, index) + ".size", "must be greater than zero")
            }
        }
    }

    /// runc's rules: /proc/sys is only partly namespaced, so each key must belong to a namespace the
    /// container owns. Keys may use '/' as separator (sysctl.d syntax).
    func validateSysctl(_ sysctl: [String: String], _ namespaces: [String: String], _ report: inout ValidationReport) {
        let ipcKeys: Set<String> = [
            "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
            "kernel.shmmni", "kernel.shm_rmid_forced",
        ]
        for rawKey in sysctl.keys.sorted() {
            let key = Self.dottedSysctl(rawKey)
            let field = "linux.sysctl[\(quoted(rawKey))]"
            if ipcKeys.contains(key) || key.hasBytePrefix("fs.mqueue.") {
                if namespaces["ipc"] == nil { report.add(field, "requires an ipc namespace") }
            } else if key.hasBytePrefix("net.") {
                if namespaces["network"] == nil || Self.isHostNetworkNamespace(namespaces["network"]!) {
                    report.add(field, "requires a network namespace other than the host's")
                }
            } else if key == "kernel.domainname" {
                if namespaces["uts"] == nil { report.add(field, "requires a uts namespace") }
            } else if key == "kernel.hostname" {
                report.add(field, "not allowed, use the hostname field")
            } else {
                report.add(field, "is not namespaced and cannot be set in a container")
            }
        }
    }

    /// "net/ipv4/conf/eno2.100/rp_filter" → "net.ipv4.conf.eno2/100.rp_filter", as runc converts it.
    static func dottedSysctl(_ key: String) -> String {
        guard let separator = key.first(where: { $0 == "." || $0 == "/" }), separator == "/" else { return key }
        return String(key.map { $0 == "/" ? "." : $0 == "." ? "/" : $0 })
    }

    /// True when `path` is the network namespace this process is in ("host" meaning current).
    static func isHostNetworkNamespace(_ path: String) -> Bool {
        guard !path.isEmpty else { return false }
        var own = stat(), other = stat()
        guard stat("/proc/self/ns/net", &own) == 0, stat(path, &other) == 0 else { return false }
        return own.st_dev == other.st_dev && own.st_ino == other.st_ino
    }
}

extension LinuxSeccomp {
    func validate(_ report: inout ValidationReport) {
        // runc treats an empty default action without rules as "seccomp disabled".
        if defaultAction.isEmpty && (syscalls ?? []).isEmpty { return }
        let field = "linux.seccomp"
        if !Self.knownActions.contains(defaultAction) {
            report.add("\(field).defaultAction", "unknown action \(quoted(defaultAction))")
        } else if defaultAction == "SCMP_ACT_NOTIFY" {
            // As runc: a notifying default would stall every syscall on the listener, the runtime's own too.
            report.add("\(field).defaultAction", "SCMP_ACT_NOTIFY cannot be the default action")
        }
        for (index, arch) in (architectures ?? []).enumerated() where !Self.knownArchitectures.contains(arch) {
            report.add(indexed("\(field).architectures", index), "unknown architecture \(quoted(arch))")
        }
        for (index, flag) in (flags ?? []).enumerated() where !Self.knownFlags.contains(flag) {
            report.add(indexed("\(field).flags", index), "unknown flag \(quoted(flag))")
        }
        var usesNotify = false
        for (index, rule) in (syscalls ?? []).enumerated() {
            let ruleField = indexed("\(field).syscalls", index)
            if rule.names.isEmpty { report.add("\(ruleField).names", "must not be empty") }
            if !Self.knownActions.contains(rule.action) {
                report.add("\(ruleField).action", "unknown action \(quoted(rule.action))")
            }
            usesNotify = usesNotify || rule.action == "SCMP_ACT_NOTIFY"
            for (argIndex, arg) in (rule.args ?? []).enumerated() {
                if !Self.knownOperators.contains(arg.op) {
                    report.add("\(ruleField).args[\(argIndex)].op", "unknown operator \(quoted(arg.op))")
                }
                if arg.index > 5 { report.add("\(ruleField).args[\(argIndex)].index", "\(arg.index) is out of range 0...5") }
            }
        }
        if usesNotify, (listenerPath ?? "").isEmpty {
            report.add("\(field).listenerPath", "required by SCMP_ACT_NOTIFY")
        }
    }
}

extension Linux {
    func validateDevices(_ report: inout ValidationReport) {
        for (index, device) in (devices ?? []).enumerated() {
            let field = indexed("linux.devices", index)
            if !device.path.hasBytePrefix("/") { report.add("\(field).path", "\(quoted(device.path)) is not an absolute path") }
            if !["c", "b", "u", "p"].contains(device.type) {
                report.add("\(field).type", "unknown device type \(quoted(device.type))")
            }
        }
        for (index, rule) in (resources?.devices ?? []).enumerated() {
            let field = indexed("linux.resources.devices", index)
            if let type = rule.type, !["", "a", "c", "b"].contains(type) {
                report.add("\(field).type", "unknown device type \(quoted(type))")
            }
            if let access = rule.access, !access.allSatisfy({ "rwm".contains($0) }) {
                report.add("\(field).access", "\(quoted(access)) is not a combination of r, w and m")
            }
        }
    }

    func validateMisc(_ report: inout ValidationReport) {
        if let personality, !LinuxPersonality.knownDomains.contains(personality.domain) {
            report.add("linux.personality.domain", "unknown domain \(quoted(personality.domain))")
        }
        if let closID = intelRdt?.closID, closID == "." || closID == ".." || closID.contains("/") {
            report.add("linux.intelRdt.closID", "\(quoted(closID)) is not a valid resctrl group name")
        }
    }
}
