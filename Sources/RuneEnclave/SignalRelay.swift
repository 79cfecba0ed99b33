import Glibc
import RuneCore

/// Forwards the signals a user sends to the init-runelet (`rune kill`) to the enclave payload through
/// pal_kill. Only real signals are forwarded, never SIGCHLD, SIGPIPE, SIGURG, SIGWINCH or faults (pal-api.md §6).
enum SignalRelay {
    static var forwarded: [Int32] {
        [SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM, SIGALRM, SIGCONT, SIGTSTP] + Array(SIGRTMIN...SIGRTMAX)
    }

    static func set() -> sigset_t {
        var s = sigset_t()
        sigemptyset(&s)
        for sig in forwarded { sigaddset(&s, sig) }
        return s
    }

    static func blockForwarded() {
        var s = set()
        pthread_sigmask(SIG_BLOCK, &s, nil)
    }

    static func start(runelet: Runelet) {
        startThread {
            var s = set()
            var warned = false
            while true {
                var sig: Int32 = 0
                guard sigwait(&s, &sig) == 0 else { continue }
                let pid = runelet.initPalPid
                if pid < 0 || runelet.pal.version == 1 {
                    // No payload yet, or a v1 PAL that cannot take signals (pal-api.md §6): a signal whose
                    // default action terminates ends the container as it would a plain init.
                    if terminates(sig) { runelet.finish(exitCode: 128 + sig) }
                    if pid >= 0 && !warned { Log.warn("pal api v1 cannot deliver signals; signal \(sig) dropped"); warned = true }
                    continue
                }
                do { try runelet.pal.kill(pid: pid, signal: sig) } catch { Log.warn("\(error)") }
            }
        }
    }

    /// Default action "terminate" (SIGCONT continues, SIGTSTP stops: neither ends a process).
    static func terminates(_ sig: Int32) -> Bool { sig != SIGCONT && sig != SIGTSTP }
}

private let SIGRTMIN: Int32 = 34
private let SIGRTMAX: Int32 = 64
