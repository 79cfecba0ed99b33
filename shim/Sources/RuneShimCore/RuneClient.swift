import CShimLinux
import Glibc

/// Drives an OCI runtime CLI (rune, or runc/crun for differential tests) by exec, as go-runc does:
/// `BINARY --root ROOT --log BUNDLE/log.json --log-format json [--systemd-cgroup] COMMAND ...`.
public struct RuneClient: Sendable {
    public var binary: String
    public var root: String
    public var logPath: String
    public var systemdCgroup: Bool

    public init(binary: String, root: String, logPath: String, systemdCgroup: Bool = false) {
        self.binary = binary
        self.root = root
        self.logPath = logPath
        self.systemdCgroup = systemdCgroup
    }

    var globalArgs: [String] {
        var a = [binary, "--root", root, "--log", logPath, "--log-format", "json"]
        if systemdCgroup { a.append("--systemd-cgroup") }
        return a
    }

    // MARK: typed commands

    func create(id: String, bundle: String, pidFile: String, consoleSocket: String?, noPivot: Bool, noNewKeyring: Bool,
                stdio: [Int32]) async throws {
        var args = ["create", "--bundle", bundle, "--pid-file", pidFile]
        if let consoleSocket { args += ["--console-socket", consoleSocket] }
        if noPivot { args.append("--no-pivot") }
        if noNewKeyring { args.append("--no-new-keyring") }
        _ = try await run(args + [id], stdio: stdio, what: "create")
    }

    func start(id: String) async throws { _ = try await run(["start", id], what: "start") }

    func exec(id: String, processFile: String, pidFile: String, consoleSocket: String?, stdio: [Int32]) async throws {
        var args = ["exec", "--process", processFile, "--detach", "--pid-file", pidFile]
        if let consoleSocket { args += ["--console-socket", consoleSocket] }
        _ = try await run(args + [id], stdio: stdio, what: "exec")
    }

    func kill(id: String, signal: UInt32, all: Bool) async throws {
        _ = try await run(["kill"] + (all ? ["--all"] : []) + [id, String(signal)], what: "kill")
    }

    func delete(id: String, force: Bool) async throws {
        _ = try await run(["delete"] + (force ? ["--force"] : []) + [id], what: "delete")
    }

    func pause(id: String) async throws { _ = try await run(["pause", id], what: "pause") }
    func resume(id: String) async throws { _ = try await run(["resume", id], what: "resume") }

    func update(id: String, resourcesJSON: [UInt8]) async throws {
        _ = try await run(["update", "--resources", "-", id], stdin: resourcesJSON, what: "update")
    }

    func ps(id: String) async throws -> [Int32] {
        let out = try await run(["ps", "--format", "json", id], what: "ps")
        let parsed = try JSON.parse(out)
        return (parsed.array ?? []).compactMap { $0.int.map(Int32.init) }
    }

    /// `state` as JSON (status created/running/paused/stopped, pid, bundle).
    func state(id: String) async throws -> JSON {
        try JSON.parse(try await run(["state", id], what: "state"))
    }

    // MARK: running

    /// Runs one runtime command; returns its stdout, or throws with the runtime's own error message.
    func run(_ args: [String], stdio: [Int32]? = nil, stdin: [UInt8]? = nil, what: String) async throws -> [UInt8] {
        let out = try TempFile()
        let err = try TempFile()
        defer { out.close(); err.close() }
        var fds = stdio ?? [-1, out.fd, err.fd]
        var stdinPipe: (read: Int32, write: Int32)?
        if let stdin {
            let p = try Sys.pipe()
            Sys.writeAll(p.write, stdin)  // small payloads only (resources JSON); fits the pipe buffer
            close(p.write)
            stdinPipe = p
            fds[0] = p.read
        }
        defer { if let p = stdinPipe { close(p.read) } }
        var st = stat()
        let logStart = stat(logPath, &st) == 0 ? Int(st.st_size) : 0
        let code = try await Reaper.shared.run(binary, globalArgs + args, fds: fds)
        guard code == 0 else {
            throw ShimError.failed(runtimeError(what, code: code, stderr: err.contents(), logStart: logStart))
        }
        return out.contents()
    }

    /// The last error line of the runtime's JSON log, else its stderr, else the exit status.
    func runtimeError(_ what: String, code: Int32, stderr: [UInt8], logStart: Int = 0) -> String {
        let name = Sys.basename(binary)
        if let log = try? Sys.readFile(logPath), log.count > logStart {
            for line in log[logStart...].split(separator: UInt8(ascii: "\n")).reversed() {
                guard let entry = try? JSON.parse(Array(line)), entry["level"]?.string == "error",
                      let msg = entry["msg"]?.string else { continue }
                return msg  // already names the runtime and step, e.g. "runc create failed: ..."
            }
        }
        let text = String(decoding: stderr, as: UTF8.self).trimmingSpaces()
        if !text.isEmpty { return "\(name) \(what) failed: \(text)" }
        return "\(name) \(what) failed: exit status \(code)"
    }
}

/// An anonymous file for a child's output (never a pipe: nobody would drain it while we wait).
final class TempFile {
    let fd: Int32

    init() throws {
        var template = Array("/tmp/rune-shim-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { cshim_tempfile($0.baseAddress!) }
        guard fd >= 0 else { throw ShimError.failed("temp file: \(Sys.errnoText())") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    func contents() -> [UInt8] {
        lseek(fd, 0, SEEK_SET)
        return Sys.readAll(fd)
    }

    func close() { _ = Glibc.close(fd) }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
