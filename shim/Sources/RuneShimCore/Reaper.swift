import CShimLinux
import Glibc
import NIOConcurrencyHelpers

/// Exit status as containerd expects it: the exit code, or 128 + signal number.
func exitStatus(fromWaitStatus status: Int32) -> Int32 {
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
}

/// The one place that calls wait4. Commands we spawn and container processes that were reparented to
/// us (we are a child subreaper) are both routed from here, so no other waitpid can steal an exit.
final class Reaper: @unchecked Sendable {
    static let shared = Reaper()

    private let lock = NIOLock()
    private var commandWaiters: [pid_t: (Int32) -> Void] = [:]
    private var processWaiters: [pid_t: (Int32) -> Void] = [:]
    /// Exits of pids nobody asked about yet: a fast container process can exit before its pid file is read.
    private var unclaimed: [pid_t: Int32] = [:]
    private var unclaimedOrder: [pid_t] = []

    /// Spawns a command; `onExit` receives its exit status (0-255, or 128+signal).
    func spawn(_ path: String, _ argv: [String], env: [String]? = nil, fds: [Int32], newProcessGroup: Bool = false,
               cwd: String? = nil, onExit: @escaping (Int32) -> Void) throws -> pid_t {
        try lock.withLock {
            let pid = try spawnProcess(path, argv, env: env, fds: fds, newProcessGroup: newProcessGroup, cwd: cwd)
            commandWaiters[pid] = onExit
            return pid
        }
    }

    /// Spawns a command and waits for it without blocking a thread.
    func run(_ path: String, _ argv: [String], env: [String]? = nil, fds: [Int32], cwd: String? = nil) async throws -> Int32 {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Int32, Error>) in
            do {
                _ = try spawn(path, argv, env: env, fds: fds, cwd: cwd) { cont.resume(returning: $0) }
            } catch {
                cont.resume(throwing: error)
            }
        }
    }

    /// Calls `onExit` when `pid` (a container process, not our own command) exits, or at once if it already has.
    func watch(pid: pid_t, onExit: @escaping (Int32) -> Void) {
        let status: Int32? = lock.withLock {
            if let s = unclaimed.removeValue(forKey: pid) {
                unclaimedOrder.removeAll { $0 == pid }
                return s
            }
            processWaiters[pid] = onExit
            return nil
        }
        if let status { onExit(status) }
    }

    /// Whether `pid` is still alive as far as the reaper knows (a pid we reaped is dead).
    func hasUnclaimedExit(_ pid: pid_t) -> Bool { lock.withLock { unclaimed[pid] != nil } }

    /// Reaps every exited child; called from the signal thread on SIGCHLD.
    func reapAll() {
        var ready: [((Int32) -> Void, Int32)] = []
        lock.withLock {
            while true {
                var status: Int32 = 0
                let pid = wait4(-1, &status, WNOHANG, nil)
                if pid <= 0 { break }
                let code = exitStatus(fromWaitStatus: status)
                if let w = commandWaiters.removeValue(forKey: pid) ?? processWaiters.removeValue(forKey: pid) {
                    ready.append((w, code))
                } else {
                    unclaimed[pid] = code
                    unclaimedOrder.append(pid)
                    if unclaimedOrder.count > 1024 { unclaimed[unclaimedOrder.removeFirst()] = nil }
                }
            }
        }
        for (waiter, code) in ready { waiter(code) }
    }
}

/// posix_spawn with fds[i] becoming the child's fd i (-1: /dev/null). Never fork in this threaded process.
func spawnProcess(_ path: String, _ argv: [String], env: [String]? = nil, fds: [Int32], newProcessGroup: Bool = false,
                  cwd: String? = nil) throws -> pid_t {
    let environment = env ?? Sys.environment().map { "\($0.key)=\($0.value)" }
    var cArgv = argv.map { strdup($0) } + [nil]
    var cEnv = environment.map { strdup($0) } + [nil]
    defer {
        for p in cArgv { free(p) }
        for p in cEnv { free(p) }
    }
    var pid: pid_t = 0
    let rc = cshim_spawn(path, &cArgv, &cEnv, fds, Int32(fds.count), newProcessGroup ? 1 : 0, cwd, &pid)
    guard rc == 0 else { throw ShimError.failed("exec \(path): \(Sys.errnoText(rc))") }
    return pid
}
