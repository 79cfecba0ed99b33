import Glibc
import RuneCore

/// A crash inside the PAL still gives one clear error naming the step and the library (pal-api.md §5).
/// The init-runelet catches fault signals (this also replaces the Swift backtracer, which hangs a
/// multi-threaded PID 1 whose other threads wait in sigwait), writes a message prepared before any
/// call to the init pipe while `create` still waits, else to stderr; then it exits 128+signo.
/// The handler only reads memory allocated up front and calls write(2) and _exit(2).
enum CrashGuard {
    enum Step: Int, CaseIterable {
        case dlopen, palInit, palCreateProcess, palExec, palKill, palDestroy, palGetLocalReport, palGetEvidence, outside

        var name: String {
            switch self {
            case .dlopen: "dlopen"
            case .palInit: "pal_init"
            case .palCreateProcess: "pal_create_process"
            case .palExec: "pal_exec"
            case .palKill: "pal_kill"
            case .palDestroy: "pal_destroy"
            case .palGetLocalReport: "pal_get_local_report"
            case .palGetEvidence: "pal_get_evidence"
            case .outside: "the init-runelet, outside any PAL call,"
            }
        }
    }

    static let faults: [(Int32, String)] = [(SIGSEGV, "SIGSEGV"), (SIGBUS, "SIGBUS"), (SIGILL, "SIGILL"), (SIGFPE, "SIGFPE"),
                                            (SIGABRT, "SIGABRT"), (SIGTRAP, "SIGTRAP"), (SIGSYS, "SIGSYS")]
    /// The init pipe while `create` waits for pal_init; -1 afterwards.
    nonisolated(unsafe) static var channelFd: Int32 = -1
    nonisolated(unsafe) static var messages: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    nonisolated(unsafe) static var faultNumbers: UnsafeMutablePointer<Int32>?
    nonisolated(unsafe) static var inFlight: UnsafeMutablePointer<Int32>?
    nonisolated(unsafe) static var lastStep: Int = Step.outside.rawValue
    nonisolated(unsafe) static var faultCount = 0
    nonisolated(unsafe) static var errorType: UInt32 = 0
    private static let lock = Mutex()

    /// Prepares every message and installs the handlers; call once, before dlopen.
    static func install(palPath: String, channelFd fd: Int32) {
        let steps = Step.allCases.count
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: steps * faults.count)
        for step in Step.allCases {
            for (i, (number, name)) in faults.enumerated() {
                table[step.rawValue * faults.count + i] =
                    strdup("\(step.name) crashed: signal \(number) (\(name)) [pal \(palPath)]")
            }
        }
        let numbers = UnsafeMutablePointer<Int32>.allocate(capacity: faults.count)
        for (i, fault) in faults.enumerated() { numbers[i] = fault.0 }
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: steps)
        counts.initialize(repeating: 0, count: steps)
        messages = table
        faultNumbers = numbers
        inFlight = counts
        channelFd = fd
        faultCount = faults.count
        errorType = InitMessage.error.rawValue
        for (number, _) in faults {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in CrashGuard.crashed(sig) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
            sigaction(number, &action, nil)
        }
    }

    /// Runs one PAL call with the guard naming it.
    static func during<R, E: Error>(_ step: Step, _ body: () throws(E) -> R) throws(E) -> R {
        guard let inFlight else { return try body() }
        lock.locked { inFlight[step.rawValue] += 1; lastStep = step.rawValue }
        defer { lock.locked { inFlight[step.rawValue] -= 1 } }
        return try body()
    }

    /// The signal handler: async-signal-safe work only.
    static func crashed(_ sig: Int32) {
        guard let messages, let faultNumbers, let inFlight else { _exit(128 + sig) }
        var fault = 0
        while fault < faultCount - 1 && faultNumbers[fault] != sig { fault += 1 }
        var step = lastStep
        if inFlight[step] <= 0 {
            step = Step.outside.rawValue
            for candidate in 0..<Step.outside.rawValue where inFlight[candidate] > 0 { step = candidate; break }
        }
        guard let text = messages[step * faultCount + fault] else { _exit(128 + sig) }
        let length = strlen(text)
        if channelFd >= 0 {
            var header: (UInt32, UInt32) = (errorType, UInt32(length))
            _ = withUnsafeBytes(of: &header) { write(channelFd, $0.baseAddress, 8) }
            _ = write(channelFd, text, length)
            _exit(128 + sig)  // create reports it
        }
        _ = write(2, "rune: ", 6)
        _ = write(2, text, length)
        _ = write(2, "\n", 1)
        _exit(128 + sig)
    }
}
