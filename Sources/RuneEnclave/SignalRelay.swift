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
                if pid < 0 {
                    // No payload yet: a terminating signal ends the container as it would a plain init.
                    if sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT { runelet.finish(exitCode: 128 + sig) }
                    continue
                }
                if runelet.pal.version == 1 {
                    if !warned { Log.warn("pal api v1 cannot deliver signals; signal \(sig) dropped"); warned = true }
                    continue
                }
                do { try runelet.pal.kill(pid: pid, signal: sig) } catch { Log.warn("\(error)") }
            }
        }
    }
}

private let SIGRTMIN: Int32 = 34
private let SIGRTMAX: Int32 = 64
