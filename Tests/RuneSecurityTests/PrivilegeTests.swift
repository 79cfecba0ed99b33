import CRuneLinux
import Glibc
import OCISpec
import RuneSecurity
import RuneSystem
import Testing

@Suite struct CapabilityParsingTests {
    @Test func namesBecomeBitMasksPerSet() throws {
        let caps = try CapabilitySets(LinuxCapabilities(bounding: ["CAP_KILL", "CAP_CHOWN"], effective: ["CAP_KILL"], ambient: ["CAP_BPF"]))
        #expect(caps == CapabilitySets(bounding: 1 << 5 | 1 << 0, effective: 1 << 5, ambient: 1 << 39))
        #expect(Capability.names(in: caps.bounding) == ["CAP_CHOWN", "CAP_KILL"])
        #expect(try CapabilitySets(nil) == CapabilitySets())
    }

    @Test func unknownCapabilityIsAnErrorNamingItAndItsSet() {
        #expect(throws: SecurityError.invalid(field: "process.capabilities.permitted", reason: "unknown capability \"CAP_FLY\"")) {
            try CapabilitySets(LinuxCapabilities(bounding: ["CAP_KILL"], permitted: ["CAP_KILL", "CAP_FLY"]))
        }
        #expect(throws: SecurityError.self) { try CapabilitySets(LinuxCapabilities(effective: ["kill"])) }
    }
}

@Suite struct RlimitValidationTests {
    @Test func unknownDuplicateAndInvertedRlimitsAreErrorsNamingTheEntry() {
        #expect(throws: SecurityError.invalid(field: "process.rlimits[1].type", reason: "unknown rlimit \"RLIMIT_BOGUS\"")) {
            try ProcessSecurity.validateRlimits([POSIXRlimit(type: "RLIMIT_NOFILE", hard: 10, soft: 10), POSIXRlimit(type: "RLIMIT_BOGUS")])
        }
        #expect(throws: SecurityError.invalid(field: "process.rlimits[1].type", reason: "duplicate rlimit \"RLIMIT_CORE\"")) {
            try ProcessSecurity.validateRlimits([POSIXRlimit(type: "RLIMIT_CORE"), POSIXRlimit(type: "RLIMIT_CORE")])
        }
        #expect(throws: SecurityError.invalid(field: "process.rlimits[0]", reason: "RLIMIT_NPROC soft limit 9 is above the hard limit 8")) {
            try ProcessSecurity.validateRlimits([POSIXRlimit(type: "RLIMIT_NPROC", hard: 8, soft: 9)])
        }
        #expect(throws: Never.self) { try ProcessSecurity.validateRlimits(nil) }
    }
}

/// Real system calls as root, each in a forked child whose exit code says which check failed (0: all passed).
@Suite(.serialized) struct PrivilegeChildTests {
    static let capSysResource: UInt64 = 1 << 24

    @Test func rlimitNofileIsApplied() {
        let code = exitCodeOfChild {
            do {
                try ProcessSecurity.applyRlimits([POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1000, soft: 500)])
            } catch { return 1 }
            var limit = rlimit()
            guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 2 }
            return limit.rlim_cur == 500 && limit.rlim_max == 1000 ? 0 : 3
        }
        #expect(code == 0)
    }

    /// Root on these machines lacks CAP_SYS_RESOURCE: raising a hard limit must fail and name the rlimit.
    @Test func raisingAHardLimitNeedsCapSysResource() {
        var current = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &current)
        let higher = UInt64(current.rlim_max) + 1
        let mayRaise = ProcessSecurity.currentPermitted() & Self.capSysResource != 0
        let code = exitCodeOfChild {
            do throws(SecurityError) {
                try ProcessSecurity.applyRlimits([POSIXRlimit(type: "RLIMIT_NOFILE", hard: higher, soft: 64)])
                return mayRaise ? 0 : 1
            } catch .system(let error) {
                let named = error.name == "prlimit" && error.context.hasPrefix("RLIMIT_NOFILE") && error.errno == EPERM
                return !mayRaise && named ? 0 : 2
            } catch { return 3 }
        }
        #expect(code == 0)
    }

    /// runc's way: the host sets the limits of the waiting init from outside.
    @Test func rlimitsAreAppliedToAnotherProcessByPid() throws {
        var ends: [Int32] = [0, 0]
        #expect(rune_pipe2(&ends, O_CLOEXEC) == 0)
        let pid = fork()
        if pid == 0 {
            unblockSignalsAndArmAlarm()
            close(ends[1])
            var byte: UInt8 = 0
            _exit(read(ends[0], &byte, 1) == 0 ? 0 : 1)  // wait for the parent to close its end
        }
        close(ends[0])
        defer {
            close(ends[1])
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try ProcessSecurity.applyRlimits([POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1000, soft: 500), POSIXRlimit(type: "RLIMIT_CORE", hard: 0, soft: 0)], pid: pid)
        let limits = try FileSystem.readString("/proc/\(pid)/limits").split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(limits.contains("Max open files 500 1000 files"))
        #expect(limits.contains("Max core file size 0 0 bytes"))
    }

    @Test func noNewPrivilegesIsSet() {
        let code = exitCodeOfChild {
            guard rune_prctl(Int32(RUNE_PR_GET_NO_NEW_PRIVS), 0, 0, 0, 0) == 0 else { return 1 }
            do { try ProcessSecurity.setNoNewPrivileges() } catch { return 2 }
            return rune_prctl(Int32(RUNE_PR_GET_NO_NEW_PRIVS), 0, 0, 0, 0) == 1 ? 0 : 3
        }
        #expect(code == 0)
    }

    /// runc's default spec: three capabilities in bounding, effective, permitted and ambient, none inheritable;
    /// the process stays root, so the effective set is exactly the three.
    @Test func rootKeepsOnlyTheRequestedCapabilities() throws {
        let names = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
        let caps = try CapabilitySets(LinuxCapabilities(bounding: names, effective: names, permitted: names, ambient: names))
        let code = exitCodeOfChild {
            do {
                try ProcessSecurity.prepareCapabilities(caps)
                try ProcessSecurity.switchUser(ResolvedUser(uid: 0, gid: 0))
                try ProcessSecurity.finishCapabilities(caps)
            } catch { return 1 }
            guard statusMask("CapEff") == caps.effective, statusMask("CapPrm") == caps.permitted else { return 2 }
            guard statusMask("CapBnd") == caps.bounding else { return 3 }
            // Ambient needs inheritable too: the kernel refuses it and runc 1.1 ignores that, so none are raised.
            guard statusMask("CapAmb") == 0, statusMask("CapInh") == 0 else { return 4 }
            return chown("/", 1, 1) == -1 && errno == EPERM ? 0 : 5  // CAP_CHOWN is gone
        }
        #expect(code == 0)
    }

    /// The full sequence to nobody with extra groups: ids, groups, and capabilities kept across the uid change.
    @Test func switchToNobodyWithAdditionalGroupsKeepsConfiguredCapabilities() throws {
        let names = ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
        let caps = try CapabilitySets(LinuxCapabilities(bounding: names + ["CAP_CHOWN"], effective: names, inheritable: names,
                                                         permitted: names, ambient: ["CAP_NET_BIND_SERVICE"]))
        let user = ResolvedUser(uid: 65534, gid: 65534, additionalGids: [65534, 1234], umask: 0o027)
        let code = exitCodeOfChild {
            do {
                try ProcessSecurity.prepareCapabilities(caps)
                try ProcessSecurity.switchUser(user)
                try ProcessSecurity.finishCapabilities(caps)
            } catch { return 1 }
            // real, effective, saved and filesystem ids
            guard statusField("Uid") == "65534 65534 65534 65534", statusField("Gid") == "65534 65534 65534 65534" else { return 2 }
            var groups = [gid_t](repeating: 0, count: 8)
            let count = getgroups(Int32(groups.count), &groups)
            guard count == 2, Set(groups[0..<2]) == [65534, 1234] else { return 3 }
            guard statusMask("CapEff") == caps.effective, statusMask("CapPrm") == caps.permitted else { return 4 }
            guard statusMask("CapInh") == caps.inheritable, statusMask("CapAmb") == 1 << 10 else { return 5 }
            guard statusMask("CapBnd") == caps.bounding else { return 6 }
            return umask(0) == 0o027 ? 0 : 7
        }
        #expect(code == 0)
    }

    /// Without PR_SET_KEEPCAPS the uid change would empty the permitted set and capset would fail.
    @Test func capabilitiesNotHeldAreAnErrorNamingThem() throws {
        let caps = try CapabilitySets(LinuxCapabilities(bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL", "CAP_SYS_RESOURCE"]))
        let held = ProcessSecurity.currentPermitted() & Self.capSysResource != 0
        let code = exitCodeOfChild {
            do throws(SecurityError) {
                try ProcessSecurity.prepareCapabilities(caps)
                try ProcessSecurity.switchUser(ResolvedUser(uid: 65534, gid: 65534))
                try ProcessSecurity.finishCapabilities(caps)
                return held ? 0 : 1
            } catch .invalid(let field, let reason) {
                return !held && field == "process.capabilities" && reason.contains("CAP_SYS_RESOURCE") ? 0 : 2
            } catch { return 3 }
        }
        #expect(code == 0)
    }
}
