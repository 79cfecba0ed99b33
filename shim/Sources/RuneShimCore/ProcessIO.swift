import CShimLinux
import Glibc

/// The stdio of one container process, as containerd describes it: "" (none), a FIFO path,
/// `file:///path`, or `binary:///logger?k=v`; or a terminal received over a console socket.
final class ProcessIO: @unchecked Sendable {
    let stdin: String, stdout: String, stderr: String
    let terminal: Bool
    /// fds 0, 1, 2 for the runtime command (-1: /dev/null). Closed in the shim after the spawn.
    private(set) var childFDs: [Int32] = [-1, -1, -1]
    private var stdinFeeder: StdinFeeder?
    private(set) var consoleMaster: Int32 = -1
    var consoleSocket: ConsoleSocket?

    init(stdin: String, stdout: String, stderr: String, terminal: Bool, id: String, namespace: String) throws {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.terminal = terminal
        do {
            if terminal {
                consoleSocket = try ConsoleSocket()
            } else {
                try setUpStdin()
                try setUpOutputs(id: id, namespace: namespace)
            }
        } catch {
            closeChildEnds()
            stdinFeeder?.close()
            throw error
        }
    }

    private func setUpStdin() throws {
        guard !stdin.isEmpty else { return }
        let p = try Sys.pipe()
        childFDs[0] = p.read
        stdinFeeder = try StdinFeeder(fifo: stdin, target: p.write)
    }

    private func setUpOutputs(id: String, namespace: String) throws {
        if stdout.hasPrefix("binary://") {
            try startLogger(uri: stdout, id: id, namespace: namespace)
            return
        }
        for (index, target) in [(1, stdout), (2, stderr)] where !target.isEmpty {
            if target.hasPrefix("file://") {
                let path = String(target.dropFirst("file://".count))
                try Sys.mkdirAll(Sys.dirname(path), mode: 0o755)
                let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw ShimError.failed("open log file \(path): \(Sys.errnoText())") }
                childFDs[index] = fd
            } else if index == 2 && target == stdout {
                childFDs[2] = dup(childFDs[1])  // one stream for both, as a shared FIFO would be
            } else {
                let p = try Sys.pipe()
                childFDs[index] = p.write
                Copier.toPath(from: p.read, path: target)
            }
        }
    }

    /// binary:// logger: fd 3 = stdout read end, fd 4 = stderr read end, fd 5 = "ready" pipe.
    private func startLogger(uri: String, id: String, namespace: String) throws {
        let rest = String(uri.dropFirst("binary://".count))
        let parts = rest.split(separator: "?", maxSplits: 1).map(String.init)
        let path = parts[0]
        var args = [path]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { percentDecode(String($0)) }
                args.append(kv[0])
                if kv.count > 1 && !kv[1].isEmpty { args.append(kv[1]) }
            }
        }
        let out = try Sys.pipe(), err = try Sys.pipe(), ready = try Sys.pipe()
        var env = Sys.environment()
        env["CONTAINER_ID"] = id
        env["CONTAINER_NAMESPACE"] = namespace
        defer { [out.read, err.read, ready.write].forEach { _ = close($0) } }
        do {
            _ = try Reaper.shared.spawn(path, args, env: env.map { "\($0.key)=\($0.value)" },
                                        fds: [-1, -1, -1, out.read, err.read, ready.write]) { _ in }
        } catch {
            [out.write, err.write, ready.read].forEach { _ = close($0) }
            throw ShimError.failed("start logger \(path): \(error)")
        }
        childFDs[1] = out.write
        childFDs[2] = err.write
        close(ready.write)  // our copy, so EOF arrives when the logger closes its end
        var byte: UInt8 = 0
        _ = read(ready.read, &byte, 1)  // ready: one byte or EOF
        close(ready.read)
    }

    /// After the runtime command has the fds, the shim's copies must go, or readers never see EOF.
    func closeChildEnds() {
        for i in 0..<3 where childFDs[i] >= 0 {
            close(childFDs[i])
            childFDs[i] = -1
        }
    }

    /// Takes the pty master sent by the runtime and wires it to the FIFOs.
    func attachConsole(master: Int32) throws {
        consoleMaster = master
        if !stdin.isEmpty { stdinFeeder = try StdinFeeder(fifo: stdin, target: dup(master)) }
        if !stdout.isEmpty {
            Copier.toPath(from: dup(master), path: stdout)
        }
    }

    func resize(width: UInt32, height: UInt32) throws {
        guard consoleMaster >= 0 else { throw ShimError.failedPrecondition("process has no terminal") }
        guard cshim_set_winsize(consoleMaster, UInt16(clamping: width), UInt16(clamping: height)) == 0 else {
            throw ShimError.failed("resize pty: \(Sys.errnoText())")
        }
    }

    func closeStdin() { stdinFeeder?.close() }

    /// Called once the process has exited and its output is drained.
    func release() {
        stdinFeeder?.close()
        stdinFeeder = nil
        if consoleMaster >= 0 { close(consoleMaster); consoleMaster = -1 }
        consoleSocket?.remove()
    }
}

func percentDecode(_ s: String) -> String {
    var out = [UInt8]()
    var bytes = Array(s.utf8)[...]
    while let b = bytes.popFirst() {
        if b == UInt8(ascii: "%"), bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
            out.append(v)
            bytes = bytes.dropFirst(2)
        } else {
            out.append(b == UInt8(ascii: "+") ? 0x20 : b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// The unix socket passed as `--console-socket`; the runtime sends the pty master over it (SCM_RIGHTS).
final class ConsoleSocket {
    let dir: String
    let path: String
    private var fd: Int32

    init() throws {
        var template = Array("/tmp/pty-XXXXXX".utf8CString)
        guard let d = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ShimError.failed("console socket dir: \(Sys.errnoText())")
        }
        dir = String(cString: d)
        path = dir + "/pty.sock"
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0, bindUnix(fd, path), listen(fd, 4) == 0 else {
            remove()
            throw ShimError.failed("console socket \(path): \(Sys.errnoText())")
        }
    }

    /// Called after the runtime command returned: its connection and the fd are already queued.
    func receiveMaster() throws -> Int32 {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 0) == 1 else { throw ShimError.failed("the runtime did not send a console on \(path)") }
        let conn = cshim_accept(fd)
        guard conn >= 0 else { throw ShimError.failed("accept console: \(Sys.errnoText())") }
        defer { close(conn) }
        let master = cshim_recv_fd(conn)
        guard master >= 0 else { throw ShimError.failed("receive console fd: \(Sys.errnoText())") }
        return master
    }

    func remove() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(path)
        rmdir(dir)
    }
}

func bindUnix(_ fd: Int32, _ path: String) -> Bool {
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { errno = ENAMETOOLONG; return false }
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
        for (i, b) in bytes.enumerated() { raw[i] = b }
    }
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    } == 0
}
