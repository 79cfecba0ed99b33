import Glibc

/// `rune exec` into an enclave forwards the signals it receives to its payload as `signal` frames on its
/// agent connection. The frames are encoded up front: the handler only calls write(2).
enum AgentSignals {
    static let forwarded: [Int32] = [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGCONT, SIGTSTP]
    nonisolated(unsafe) static var connectionFd: Int32 = -1
    /// Indexed by signal number: the frame's bytes, or nil.
    nonisolated(unsafe) static var frames: UnsafeMutablePointer<UnsafeMutableBufferPointer<UInt8>?>?
    nonisolated(unsafe) static var blocked = false

    /// Installs the handlers with the signals blocked until `release()`, so a frame written by a handler never
    /// lands in the middle of the exec frame.
    static func install(on conn: AgentConnection) {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        blocked = true
        let table = UnsafeMutablePointer<UnsafeMutableBufferPointer<UInt8>?>.allocate(capacity: 65)
        table.initialize(repeating: nil, count: 65)
        for sig in forwarded {
            let bytes = AgentConnection.encode(AgentFrame(.signal, ["signal": String(sig)]))
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            _ = buffer.initialize(from: bytes)
            table[Int(sig)] = buffer
        }
        frames = table
        connectionFd = conn.fd
        for sig in forwarded {
            signal(sig) { s in
                guard let frames = AgentSignals.frames, s > 0, s < 65, let frame = frames[Int(s)] else { return }
                _ = write(AgentSignals.connectionFd, frame.baseAddress, frame.count)
            }
        }
    }

    static func release() {
        guard blocked else { return }
        blocked = false
        var set = signalSet()
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in forwarded { sigaddset(&set, sig) }
        return set
    }
}
