import Glibc
import RuneSystem

/// Signal names as runc accepts them: "KILL", "SIGKILL" or a number.
public enum Signals {
    static let table: [(String, Int32)] = [
        ("ABRT", SIGABRT), ("ALRM", SIGALRM), ("BUS", SIGBUS), ("CHLD", SIGCHLD), ("CLD", SIGCHLD), ("CONT", SIGCONT),
        ("FPE", SIGFPE), ("HUP", SIGHUP), ("ILL", SIGILL), ("INT", SIGINT), ("IO", SIGIO), ("IOT", SIGABRT),
        ("KILL", SIGKILL), ("PIPE", SIGPIPE), ("POLL", SIGIO), ("PROF", SIGPROF), ("PWR", SIGPWR), ("QUIT", SIGQUIT),
        ("SEGV", SIGSEGV), ("STKFLT", SIGSTKFLT), ("STOP", SIGSTOP), ("SYS", SIGSYS), ("TERM", SIGTERM),
        ("TRAP", SIGTRAP), ("TSTP", SIGTSTP), ("TTIN", SIGTTIN), ("TTOU", SIGTTOU), ("URG", SIGURG), ("USR1", SIGUSR1),
        ("USR2", SIGUSR2), ("VTALRM", SIGVTALRM), ("WINCH", SIGWINCH), ("XCPU", SIGXCPU), ("XFSZ", SIGXFSZ),
    ]

    public static func parse(_ text: String) throws(RuneError) -> Int32 {
        if let n = Int32(text) {
            guard n > 0 && n <= 64 else { throw RuneError(.invalidArgument, "unknown signal \"\(text)\"") }
            return n
        }
        var name = text.uppercased()
        if name.hasBytePrefix("SIG") { name.removeFirst(3) }
        if let hit = table.first(where: { $0.0 == name }) { return hit.1 }
        if name.hasBytePrefix("RTMIN"), let off = Int32(name.dropFirst(5).replacingPlus()) ?? (name == "RTMIN" ? 0 : nil) {
            return 34 + off
        }
        if name.hasBytePrefix("RTMAX"), let off = Int32(name.dropFirst(5)) ?? (name == "RTMAX" ? 0 : nil) { return 64 + off }
        throw RuneError(.invalidArgument, "unknown signal \"\(text)\"")
    }
}

extension Substring {
    fileprivate func replacingPlus() -> String { hasPrefix("+") ? String(dropFirst()) : String(self) }
}
