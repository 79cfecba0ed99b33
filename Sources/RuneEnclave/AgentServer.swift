import Glibc
import RuneCore

/// Serves the agent socket inside the init-runelet: each connection on its own thread, accepted only
/// after pal_init returned (queued clients simply wait).
struct AgentServer {
    let listenFd: Int32
    let runelet: Runelet

    func start() {
        let fd = listenFd
        let runelet = runelet
        startThread {
            while true {
                // Close-on-exec from the start: a payload the PAL starts must never hold an agent connection.
                let conn = accept4(fd, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
                if conn < 0 { if errno == EINTR || errno == ECONNABORTED { continue }; return }
                startThread { AgentSession(connection: AgentConnection(fd: conn), runelet: runelet).serve() }
            }
        }
    }
}

/// One client request on one connection.
struct AgentSession {
    let connection: AgentConnection
    let runelet: Runelet

    func serve() {
        defer { close(connection.fd) }
        do {
            guard let request = try connection.receive() else { return }
            defer { request.fds.forEach { close($0) } }
            let version = request.fields["protocol"] ?? "none"
            guard version == AgentConnection.protocolVersion else {
                throw RuneError(.unsupported, "agent protocol mismatch: rune speaks \(version), this init-runelet speaks "
                    + "\(AgentConnection.protocolVersion) (are rune and rune-runelet from the same build?)")
            }
            switch request.kind {
            case .exec: try exec(request)
            case .kill:
                let sig = Int32(request.fields["signal"] ?? "") ?? SIGTERM
                // A v1 PAL takes no signals: rune kill --all then signals the init-runelet, which ends the container.
                if runelet.pal.version >= 2 {
                    try runelet.holdingOffFinish { () throws(RuneError) in
                        try runelet.pal.kill(pid: request.fields["all"] == "1" ? -1 : runelet.initPalPid, signal: sig)
                        try connection.send(AgentFrame(.ok))
                    }
                } else {
                    try connection.send(AgentFrame(.ok, ["delivered": "0"]))
                }
            case .attest:
                let data = Hex.decode(request.fields["reportData"] ?? "") ?? []
                guard data.count <= 64 else { throw RuneError(.invalidArgument, "report data is longer than 64 bytes") }
                let evidence = try runelet.pal.attest(reportData: data, local: request.fields["local"] == "1")
                try connection.send(AgentFrame(.evidence, ["evidence": Hex.encode(evidence)]))
            case .stop:
                if runelet.pal.version >= 2 { try? runelet.pal.kill(pid: -1, signal: SIGKILL) }
                try? connection.send(AgentFrame(.ok))
                runelet.finish(exitCode: 137)
            default:
                throw RuneError(.invalidArgument, "agent: unexpected request kind \(request.kind.rawValue)")
            }
        } catch {
            try? connection.send(AgentFrame(.error, ["message": "\(error)"]))
        }
    }

    /// Runs a payload with the client's stdio; a client that goes away before it ends gets it killed.
    private func exec(_ request: AgentFrame) throws(RuneError) {
        guard request.fds.count == 3 else { throw RuneError(.invalidArgument, "exec needs 3 stdio fds, got \(request.fds.count)") }
        let argv = try AgentCodec.decodeList(request.fields["argv"] ?? "[]")
        let env = try AgentCodec.decodeList(request.fields["env"] ?? "[]")
        guard let program = argv.first else { throw RuneError(.invalidArgument, "exec args cannot be empty") }
        let conn = connection
        let pal = runelet.pal
        let done = Flag()
        let detached = request.fields["detach"] == "1"
        // Resolved inside the container, as for the init payload; unresolvable names go to the PAL verbatim.
        let path = (try? ExecProgram.lookPath(program, env: env)) ?? program
        let status = try pal.run(path: path, argv: argv, env: env,
                                 stdio: (request.fds[0], request.fds[1], request.fds[2])) { pid in
            try? conn.send(AgentFrame(.started, ["pid": String(pid)]))
            let relay = AgentConnection(fd: fcntl(conn.fd, F_DUPFD_CLOEXEC, 0))
            startThread {
                // Relay the client's signals; EOF before the payload ended means the client is gone: kill it,
                // unless it detached (rune exec --detach), which leaves the payload running on its own.
                while let frame = try? relay.receive() {
                    if frame.kind == .signal, let sig = Int32(frame.fields["signal"] ?? "") { try? pal.kill(pid: pid, signal: sig) }
                }
                if !done.isSet && !detached && pal.version >= 2 { try? pal.kill(pid: pid, signal: SIGKILL) }
                close(relay.fd)
            }
        }
        done.set()
        try connection.send(AgentFrame(.exited, ["status": String(status)]))
        shutdown(connection.fd, Int32(SHUT_RDWR))
    }
}

/// accept4(2), which the Glibc module does not export (it is a GNU extension); the runelet is always dynamic.
private let accept4: @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32 = {
    guard let symbol = dlsym(nil, "accept4") else { fatalError("accept4 not found in libc") }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32).self)
}()


/// A one-way flag shared between threads.
final class Flag: @unchecked Sendable {
    private let lock = Mutex()
    private var value = false
    var isSet: Bool { lock.locked { value } }
    func set() { lock.locked { value = true } }
}
