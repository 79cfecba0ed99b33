import CRuneLinux
import Glibc

/// Waits for a container process that was reparented to us (we are a child subreaper),
/// forwarding the signals we receive to it, as `runc run` and `runc exec` do.
public enum Waiter {
    nonisolated(unsafe) static var target: pid_t = 0
    static let forwarded: [Int32] = [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGCONT, SIGTSTP, SIGWINCH]

    /// Blocks the forwarded signals until `wait` has its handlers in place, so none is lost (or kills us)
    /// between create and wait. Children get a clean mask from the spawner.
    public static func blockForwarded() {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in forwarded { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    public static func becomeSubreaper() {
        _ = rune_prctl(36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0)
    }

    /// Returns the process's shell-style exit code; other reparented children are reaped on the way.
    public static func wait(for pid: pid_t) -> Int32 {
        target = pid
        for sig in forwarded {
            signal(sig) { received in if Waiter.target > 0 { _ = kill(Waiter.target, received) } }
        }
        defer { for sig in forwarded { signal(sig, SIG_DFL) } }
        var set = sigset_t()
        sigemptyset(&set)
        for sig in forwarded { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        while true {
            var status: Int32 = 0
            let got = waitpid(-1, &status, 0)
            if got == pid { return Spawner.exitCode(status) }
            if got < 0 && errno == ECHILD { return 255 }
        }
    }
}
