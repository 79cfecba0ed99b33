import CRuneLinux
import Glibc
import OCISpec
import RuneSystem

/// Runs OCI hooks in order, each with the state on stdin; the first failure stops the rest.
public enum HookRunner {
    public static func run(_ hooks: [Hook]?, kind: String, state: State) throws(RuneError) {
        guard let hooks, !hooks.isEmpty else { return }
        let input = Array(state.encodeForHook().utf8)
        for (index, hook) in hooks.enumerated() {
            do {
                try runOne(hook, input: input)
            } catch {
                throw RuneError(.failed, "error running \(kind) hook #\(index): \(error.message)")
            }
        }
    }

    private static func runOne(_ hook: Hook, input: [UInt8]) throws(RuneError) {
        var stdinPipe: [Int32] = [0, 0]
        let output: Int32
        do {
            try Syscall.check("pipe2") { rune_pipe2(&stdinPipe, O_CLOEXEC) }
            // A memfd, not a pipe: a hook that never exits must not block us reading its output.
            output = try Syscall.check("memfd_create") { rune_memfd_create("rune-hook-output", 1 /* MFD_CLOEXEC */) }
        } catch { throw error.rune }
        defer { if stdinPipe[1] >= 0 { close(stdinPipe[1]) }; close(output) }
        let args = hook.args?.isEmpty == false ? Array(hook.args!.dropFirst()) : []
        let argv0 = hook.args?.first ?? hook.path
        let pid: pid_t
        do {
            pid = try Spawner.spawn(executable: hook.path, argv0: argv0, arguments: args, environment: hook.env ?? [],
                                    fds: [(stdinPipe[0], 0), (output, 1), (output, 2)])
        } catch {
            close(stdinPipe[0])
            throw RuneError(.failed, "fork/exec \(hook.path): \(String(cString: strerror(error.errno)))")
        }
        close(stdinPipe[0])
        signal(SIGPIPE, SIG_IGN)
        try? FileSystem.writeAll(fd: stdinPipe[1], input, context: "hook stdin")
        close(stdinPipe[1]); stdinPipe[1] = -1
        let status = try waitWithTimeout(pid, seconds: hook.timeout)
        lseek(output, 0, SEEK_SET)
        let text = String(decoding: (try? FileSystem.readAll(fd: output, context: "hook output")) ?? [], as: UTF8.self)
        guard let status else { throw RuneError(.failed, "timed out after \(hook.timeout ?? 0)s") }
        if status != 0 {
            let code = Spawner.exitCode(status)
            let what = code > 128 ? "signal: \(code - 128)" : "exit status \(code)"
            throw RuneError(.failed, "\(what), output: \(text.trimmingSuffixNewlines())")
        }
    }

    /// Waits for the hook; nil when its timeout passed (the hook is then killed).
    private static func waitWithTimeout(_ pid: pid_t, seconds: Int?) throws(RuneError) -> Int32? {
        guard let seconds, seconds > 0 else {
            do { return try Spawner.wait(pid) } catch { throw error.rune }
        }
        let pidfd = rune_pidfd(pid)
        defer { if pidfd >= 0 { close(pidfd) } }
        var pfd = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        let ready = pidfd >= 0 ? poll(&pfd, 1, Int32(seconds * 1000)) : 1
        if ready == 0 {
            kill(pid, SIGKILL)
            _ = try? Spawner.wait(pid)
            return nil
        }
        do { return try Spawner.wait(pid) } catch { throw error.rune }
    }
}

extension String {
    func trimmingSuffixNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
