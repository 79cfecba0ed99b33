import CEnclavePAL
import Glibc
import RuneCore

/// A PAL library loaded with dlopen, its version negotiated and every symbol that version needs resolved
/// up front (pal-api.md §4), so a missing symbol is reported before pal_init with its name and the library.
public final class PAL: @unchecked Sendable {
    public let path: String
    public let version: Int32
    let initV1: pal_init_v1_fn?
    let initV3: pal_init_v3_fn?
    let execV1: pal_exec_v1_fn?
    let createProcess: pal_create_process_fn?
    let execV2: pal_exec_v2_fn?
    let killFn: pal_kill_fn?
    let destroyFn: pal_destroy_fn
    let localReport: pal_get_local_report_fn?
    let evidence: pal_get_evidence_fn?
    private let createLock = Mutex()

    public init(path: String) throws(RuneError) {
        self.path = path
        guard let handle = CrashGuard.during(.dlopen, { dlopen(path, RTLD_NOW | RTLD_LOCAL) }) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw RuneError(.failed, "failed to load enclave runtime \(path): \(reason)")
        }
        func symbol(_ name: String) throws(RuneError) -> UnsafeMutableRawPointer {
            guard let sym = dlsym(handle, name) else {
                throw RuneError(.failed, "enclave runtime \(path): missing symbol \(name)")
            }
            return sym
        }
        if let getVersion = dlsym(handle, "pal_get_version") {
            version = unsafeBitCast(getVersion, to: pal_get_version_fn.self)()
        } else {
            version = 1
        }
        guard version >= 1 else { throw RuneError(.failed, "enclave runtime \(path): invalid pal api version \(version)") }
        guard version <= PAL_API_VERSION_MAX else {
            throw RuneError(.unsupported, "enclave runtime \(path): unsupported pal api version \(version) (rune supports 1 to 3)")
        }
        destroyFn = unsafeBitCast(try symbol("pal_destroy"), to: pal_destroy_fn.self)
        if version == 3 { initV3 = unsafeBitCast(try symbol("pal_init"), to: pal_init_v3_fn.self); initV1 = nil } else {
            initV1 = unsafeBitCast(try symbol("pal_init"), to: pal_init_v1_fn.self); initV3 = nil
        }
        if version == 1 {
            execV1 = unsafeBitCast(try symbol("pal_exec"), to: pal_exec_v1_fn.self)
            execV2 = nil; createProcess = nil; killFn = nil
        } else {
            execV1 = nil
            execV2 = unsafeBitCast(try symbol("pal_exec"), to: pal_exec_v2_fn.self)
            createProcess = unsafeBitCast(try symbol("pal_create_process"), to: pal_create_process_fn.self)
            killFn = unsafeBitCast(try symbol("pal_kill"), to: pal_kill_fn.self)
        }
        localReport = version == 3 ? unsafeBitCast(try symbol("pal_get_local_report"), to: pal_get_local_report_fn.self) : nil
        evidence = version == 3 ? dlsym(handle, "pal_get_evidence").map { unsafeBitCast($0, to: pal_get_evidence_fn.self) } : nil
    }

    func failure(_ function: String, _ rc: Int32, _ extra: String = "") -> RuneError {
        let reason = rc < 0 ? " (\(errnoName(-rc)): \(String(cString: strerror(-rc))))" : ""
        return RuneError(.failed, "\(function) failed: \(rc)\(reason) [pal \(path)\(extra)]")
    }

    public func initialize(args: String, logLevel: String) throws(RuneError) {
        let rc: Int32 = args.withCString { a in
            logLevel.withCString { l in
                var v1 = pal_attr_v1_t(args: a, log_level: l)
                return CrashGuard.during(.palInit) {
                    if let initV3 {
                        var v3 = pal_attr_v3_t(attr_v1: v1, fd: -1, addr: 0)
                        return initV3(&v3)
                    }
                    return initV1!(&v1)
                }
            }
        }
        if rc < 0 { throw failure("pal_init", rc, ", args \"\(args)\"") }
        if rc > 0 { Log.warn("pal_init returned \(rc) [pal \(path)]; continuing") }
    }

    /// Runs a payload to completion (create_process + exec, or v1 exec) and returns its exit value.
    /// `started` receives the PAL pid (0 for v1) before the payload runs.
    public func run(path program: String, argv: [String], env: [String], stdio: (Int32, Int32, Int32),
                    started: (Int32) -> Void) throws(RuneError) -> Int32 {
        try withCStrings(argv) { cArgv throws(RuneError) -> Int32 in
            try withCStrings(env) { cEnv throws(RuneError) -> Int32 in
                var fds = pal_stdio_fds(stdin: stdio.0, stdout: stdio.1, stderr: stdio.2)
                var exitValue: Int32 = 0
                if let execV1 {
                    started(0)
                    let rc = CrashGuard.during(.palExec) { program.withCString { execV1($0, cArgv, &fds, &exitValue) } }
                    if rc < 0 { throw failure("pal_exec", rc) }
                    return exitValue
                }
                var pid: Int32 = 0
                // Explicit pointers: the structs hold them beyond a single inout argument.
                let rc = withUnsafeMutablePointer(to: &fds) { fdsPointer in
                    withUnsafeMutablePointer(to: &pid) { pidPointer in
                        createLock.locked {
                            program.withCString { p in
                                var args = pal_create_process_args(path: p, argv: cArgv, env: cEnv, stdio: fdsPointer, pid: pidPointer)
                                return CrashGuard.during(.palCreateProcess) { createProcess!(&args) }
                            }
                        }
                    }
                }
                if rc < 0 { throw failure("pal_create_process", rc, ", program \(program)") }
                started(pid)
                let erc = withUnsafeMutablePointer(to: &exitValue) { exitPointer in
                    var execArgs = pal_exec_args(pid: pid, exit_value: exitPointer)
                    return CrashGuard.during(.palExec) { execV2!(&execArgs) }
                }
                if erc < 0 { throw failure("pal_exec", erc, ", program \(program)") }
                return exitValue
            }
        }
    }

    public func kill(pid: Int32, signal: Int32) throws(RuneError) {
        guard let killFn else { throw RuneError(.unsupported, "pal api v1 cannot deliver signals [pal \(path)]") }
        let rc = CrashGuard.during(.palKill) { killFn(pid, signal) }
        if rc < 0 { throw failure("pal_kill", rc) }
    }

    public func destroy() {
        let rc = CrashGuard.during(.palDestroy) { destroyFn() }
        if rc < 0 { Log.warn("\(failure("pal_destroy", rc))") }
    }

    /// Evidence over `reportData` (the extension), or the v3 local report when the PAL lacks it.
    public func attest(reportData: [UInt8], local: Bool) throws(RuneError) -> [UInt8] {
        if let evidence, !local {
            var buffer = [UInt8](repeating: 0, count: 16384)
            var length = Int32(buffer.count)
            let rc = reportData.withUnsafeBytes { rd in
                buffer.withUnsafeMutableBytes { out in
                    CrashGuard.during(.palGetEvidence) { evidence(rd.baseAddress, Int32(rd.count), out.baseAddress, &length) }
                }
            }
            if rc < 0 { throw failure("pal_get_evidence", rc) }
            return Array(buffer.prefix(Int(length)))
        }
        guard let localReport else { throw RuneError(.unsupported, "attest needs a pal api v3 enclave runtime [pal \(path) is v\(version)]") }
        var target = [UInt8](repeating: 0, count: Int(PAL_SGX_TARGETINFO_SIZE))
        for (i, b) in reportData.prefix(64).enumerated() { target[i] = b }
        var report = [UInt8](repeating: 0, count: Int(PAL_SGX_REPORT_SIZE))
        var length = Int32(report.count)
        let rc = target.withUnsafeMutableBytes { t in
            report.withUnsafeMutableBytes { out in
                CrashGuard.during(.palGetLocalReport) { localReport(t.baseAddress, Int32(t.count), out.baseAddress, &length) }
            }
        }
        if rc != 0 { throw failure("pal_get_local_report", rc) }
        return Array(report.prefix(Int(length)))
    }
}

func withCStrings<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) throws(RuneError) -> R) throws(RuneError) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
    return try pointers.withUnsafeMutableBufferPointer { buf throws(RuneError) -> R in try body(buf.baseAddress!) }
}

func errnoName(_ e: Int32) -> String {
    let names: [Int32: String] = [EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO",
                                  E2BIG: "E2BIG", ENOEXEC: "ENOEXEC", EBADF: "EBADF", ECHILD: "ECHILD", EAGAIN: "EAGAIN",
                                  ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY", EEXIST: "EEXIST",
                                  ENODEV: "ENODEV", EINVAL: "EINVAL", ENOSPC: "ENOSPC", ERANGE: "ERANGE", ENOSYS: "ENOSYS",
                                  EOPNOTSUPP: "EOPNOTSUPP", ETIMEDOUT: "ETIMEDOUT", ECANCELED: "ECANCELED"]
    return names[e] ?? "errno \(e)"
}
