// One guest process: a fresh WasmKit instance of the measured module, and how it is stopped.
//
// Killing: WasmKit 0.4.2 has no interrupt call. Every store is created on a fuel-metering engine
// with an unlimited budget; pal_kill starts a stopper thread that sets the budget to 0 until the
// runner has left the interpreter. The next fuel check (each block/loop region) then traps with
// "out of fuel", which unwinds the guest. The stopper repeats the write because the interpreter's
// own read-modify-write of the budget may overwrite a single store.
import WasmKit
#if canImport(Glibc)
import Glibc
#endif

final class EnclaveProcess: @unchecked Sendable {
    enum State { case created, claimed, running, finished }

    let id: Int32
    let argv: [String]
    let environment: [String: String]
    let stdio: (Int32, Int32, Int32)

    private let lock = Lock()
    private var state = State.created
    private var store: Store?
    private(set) var killSignal: Int32?
    private var stopperStarted = false

    init(id: Int32, argv: [String], environment: [String: String], stdio: (Int32, Int32, Int32)) {
        self.id = id
        self.argv = argv
        self.environment = environment
        self.stdio = stdio
    }

    /// Moves created → running with the store to stop on kill; false if killed before it started.
    func attach(_ store: Store) -> Bool {
        let (proceed, startStopper) = lock.locked { () -> (Bool, Bool) in
            self.store = store
            state = .running
            // A kill that arrived while the instance was being set up still has to stop it.
            let start = killSignal != nil && !stopperStarted
            if start { stopperStarted = true }
            return (killSignal == nil, start)
        }
        if startStopper { spawnStopper() }
        return proceed
    }

    func finish() {
        lock.locked {
            state = .finished
            store = nil
        }
    }

    /// Claims the process for pal_exec; false if it already ran or is running.
    func claim() -> Bool {
        lock.locked {
            guard state == .created else { return false }
            state = .claimed
            return true
        }
    }

    var pendingSignal: Int32? { lock.locked { killSignal } }

    /// Delivers a terminating signal; false when the process has already finished.
    func kill(signal: Int32) -> Bool {
        let (alive, startStopper) = lock.locked { () -> (Bool, Bool) in
            guard state != .finished else { return (false, false) }
            if killSignal == nil { killSignal = signal }
            let start = state == .running && !stopperStarted
            if start { stopperStarted = true }
            return (true, start)
        }
        if startStopper { spawnStopper() }
        return alive
    }

    /// Zeroes the fuel budget until the runner reports that it has left the interpreter.
    private func spawnStopper() {
        Thread.detach { [self] in
            var pause: UInt32 = 200
            while stopOnce() {
                usleep(pause)
                pause = min(pause * 2, 50_000)
            }
        }
    }

    private func stopOnce() -> Bool {
        lock.locked {
            guard state == .running, let store else { return false }
            store.fuel = Fuel(remaining: 0)
            return true
        }
    }
}

/// Detached threads for helpers that must not block the caller.
enum Thread {
    static func detach(_ body: @escaping () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        defer { pthread_attr_destroy(&attributes) }
        startThread(attributes: &attributes, body)
    }
}
