// The PAL instance: the launched enclave and its process table, shared by rune's threads.
import EnclaveEvidence
#if canImport(Glibc)
import Glibc
#endif

final class EnclaveRuntime: @unchecked Sendable {
    static let shared = EnclaveRuntime()

    private let lock = Lock()
    private var enclave: LaunchedEnclave?
    private var processes: [Int32: EnclaveProcess] = [:]
    private var nextPid: Int32 = 1

    func initialize(args: String) throws {
        try lock.locked {
            guard enclave == nil else { throw PALError(EEXIST, "already initialized") }
        }
        let launched = try Launch.launch(args: args)
        try lock.locked {
            guard enclave == nil else { throw PALError(EEXIST, "already initialized") }
            enclave = launched
        }
    }

    private func launched() throws -> LaunchedEnclave {
        try lock.locked {
            guard let enclave else { throw PALError(EINVAL, "pal_init has not succeeded") }
            return enclave
        }
    }

    func createProcess(path: String, argv: [String], environment: [String: String], stdio: (Int32, Int32, Int32)) throws -> Int32 {
        let enclave = try launched()
        guard Launch.realPath(path) == enclave.moduleRealPath else {
            throw PALError(EACCES, "\(path) is not the measured module \(enclave.config.modulePath)")
        }
        return lock.locked {
            let pid = nextPid
            nextPid += 1
            processes[pid] = EnclaveProcess(id: pid, argv: argv.isEmpty ? [path] : argv, environment: environment, stdio: stdio)
            return pid
        }
    }

    func exec(pid: Int32) throws -> Int32 {
        let enclave = try launched()
        guard let process = lock.locked({ processes[pid] }) else { throw PALError(ESRCH, "no process \(pid)") }
        guard process.claim() else { throw PALError(EBUSY, "process \(pid) was already started") }
        defer { _ = lock.locked { processes.removeValue(forKey: pid) } }
        var outcome: Result<Int32, Error> = .failure(PALError(EAGAIN, "could not start a thread for process \(pid)"))
        _ = runOnOwnThread { outcome = Result { try Runner.run(process, in: enclave) } }
        return try outcome.get()
    }

    /// pid -1: every process; 0: the first (init) process; > 0: that process.
    func kill(pid: Int32, signal: Int32) throws {
        _ = try launched()
        guard signal >= 0, signal <= 64 else { throw PALError(EINVAL, "signal \(signal) out of range") }
        let targets: [EnclaveProcess] = lock.locked {
            if pid == -1 { return Array(processes.values) }
            let key = pid == 0 ? (processes.keys.min() ?? 0) : pid
            return processes[key].map { [$0] } ?? []
        }
        guard !targets.isEmpty || pid == -1 else { throw PALError(ESRCH, "no process \(pid)") }
        // Guests cannot install handlers: signals whose default action is to ignore (or stop) do nothing.
        guard signal != 0, !Self.ignoredSignals.contains(signal) else { return }
        for process in targets { _ = process.kill(signal: signal) }
    }

    static let ignoredSignals: Set<Int32> = [SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]

    func destroy() throws {
        let all: [EnclaveProcess] = try lock.locked {
            guard enclave != nil else { throw PALError(EINVAL, "pal_init has not succeeded") }
            enclave = nil
            return Array(processes.values)
        }
        for process in all { _ = process.kill(signal: SIGKILL) }
    }

    func evidence(reportData: [UInt8]) throws -> [UInt8] {
        let enclave = try launched()
        return try Evidence.make(identity: enclave.identity, reportData: reportData, platform: enclave.platform).encoded()
    }

    func localReport(targetInfo: [UInt8]) throws -> [UInt8] {
        let enclave = try launched()
        return LocalReport.make(identity: enclave.identity, targetInfo: targetInfo, platform: enclave.platform)
    }
}
