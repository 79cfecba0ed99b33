import Glibc
import NIOConcurrencyHelpers

/// Runs a command and waits for it. Works both in single-threaded subcommands (no reaper thread) and in
/// the serving shim (where the reaper owns wait4), by polling the reaper when it is active.
func runSync(_ path: String, _ args: [String], stdin: [UInt8]? = nil, step: String) throws -> String {
    let out = try TempFile()
    let err = try TempFile()
    defer { out.close(); err.close() }
    let code: Int32
    if ReaperThread.started {
        let box = ExitBox()
        _ = try Reaper.shared.spawn(path, [path] + args, fds: [-1, out.fd, err.fd]) { box.set($0) }
        code = box.wait()
    } else {
        let pid = try spawnProcess(path, [path] + args, fds: [-1, out.fd, err.fd])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        code = exitStatus(fromWaitStatus: status)
    }
    guard code == 0 else {
        let msg = String(decoding: err.contents(), as: UTF8.self).trimmingSpaces()
        throw ShimError.failed("\(Sys.basename(path)) \(step) failed: \(msg.isEmpty ? "exit status \(code)" : msg)")
    }
    return String(decoding: out.contents(), as: UTF8.self)
}

/// A one-shot value handed from the reaper thread to a blocked caller.
final class ExitBox: @unchecked Sendable {
    private let cond = ConditionLock(value: 0)
    private var value: Int32 = 0

    func set(_ v: Int32) {
        cond.lock()
        value = v
        cond.unlock(withValue: 1)
    }

    func wait() -> Int32 {
        cond.lock(whenValue: 1)
        defer { cond.unlock() }
        return value
    }
}

enum ReaperThread {
    nonisolated(unsafe) static var started = false
}
