import CRuneLinux
import Glibc
import RuneCore
import RuneSystem

/// Host-side rune talking to a running enclave over `<state dir>/agent.sock`. Paths go through
/// /proc/self/fd of the state directory, so long state roots never hit sun_path's 108-byte limit.
struct EnclaveClient: EnclaveOperations {
    func listen(stateDir: String) throws(RuneError) -> Int32 {
        try SimPlatform.ensureSeedIfNeeded()
        return try withSocketPath(stateDir) { path throws(RuneError) -> Int32 in
            let fd = try socketFd()
            var addr = try address(path)
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            guard rc == 0, Glibc.listen(fd, 16) == 0 else {
                close(fd)
                throw RuneError(.failed, "agent socket \(stateDir)/agent.sock: \(String(cString: strerror(errno)))")
            }
            chmod(stateDir + "/agent.sock", 0o600)
            return fd
        }
    }

    func connectAgent(_ stateDir: String) throws(RuneError) -> AgentConnection {
        try withSocketPath(stateDir) { path throws(RuneError) -> AgentConnection in
            do throws(RuneError) { return AgentConnection(fd: try connectUnix(path)) } catch {
                throw RuneError(error.code, "connect to enclave agent \(stateDir)/agent.sock: \(error.message)")
            }
        }
    }

    func exec(_ state: ContainerState, stateDir: String, options: ExecOptions) throws(RuneError) -> Int32 {
        let conn = try connectAgent(stateDir)
        defer { close(conn.fd) }
        var stdio: [Int32] = [0, 1, 2]
        var pty: (master: Int32, slave: Int32)?
        if options.process.terminal == true {
            guard let socket = options.consoleSocket else {
                throw RuneError(.invalidArgument, "cannot allocate tty if rune will detach without setting console socket")
            }
            pty = try HostPty.open(consoleSocket: socket)
            stdio = [pty!.slave, pty!.slave, pty!.slave]
        }
        let args = options.process.args ?? []
        let env = (options.process.env ?? []).filter { !$0.hasBytePrefix("ENCLAVE_") }
        // Forwarding starts before the payload can: a signal that arrives early waits (blocked) until the exec
        // frame is out, and then queues behind it for the runelet's relay.
        if !options.detach { AgentSignals.install(on: conn) }
        defer { AgentSignals.release() }
        try conn.send(AgentFrame(.exec, ["argv": AgentCodec.encodeList(args), "env": AgentCodec.encodeList(env),
                                         "cwd": options.process.cwd, "detach": "0"], fds: stdio))
        AgentSignals.release()
        if let pty { close(pty.slave); close(pty.master) }
        guard let started = try conn.receive() else { throw RuneError(.failed, "enclave agent closed the connection") }
        if started.kind == .error { throw RuneError(.failed, started.fields["message"] ?? "enclave exec failed") }
        if options.detach {
            // The payload lives in the enclave, not on the host: a relay process stands in for it, so the
            // caller (a containerd shim) has a pid to signal and to reap with the payload's exit status.
            let relay = try startRelay(conn)
            if let pidFile = options.pidFile { try? FileSystem.writeAtomically(pidFile, Array("\(relay)".utf8), mode: 0o644) }
            return 0
        }
        if let pidFile = options.pidFile { try? FileSystem.writeAtomically(pidFile, Array("\(getpid())".utf8), mode: 0o644) }
        while let frame = try conn.receive() {
            switch frame.kind {
            case .exited: return Int32(frame.fields["status"] ?? "") ?? 255
            case .error: throw RuneError(.failed, frame.fields["message"] ?? "enclave exec failed")
            default: continue
            }
        }
        throw RuneError(.failed, "enclave agent closed the connection before the process exited")
    }

    /// Forks the host-side stand-in of a detached exec: it holds the agent connection (its death kills the
    /// payload), relays the signals it gets, and exits with the payload's status. rune is single-threaded here.
    private func startRelay(_ conn: AgentConnection) throws(RuneError) -> pid_t {
        let relay = fork()
        if relay < 0 { throw RuneError(.failed, "exec relay: fork: \(String(cString: strerror(errno)))") }
        if relay > 0 { return relay }
        _ = rune_set_name("runelet")
        AgentSignals.install(on: conn)
        AgentSignals.release()  // install blocks them until the exec frame is out; it is
        var status: Int32 = 255
        while let frame = try? conn.receive() {
            if frame.kind == .exited { status = Int32(frame.fields["status"] ?? "") ?? 255; break }
            if frame.kind == .error { break }
        }
        _exit(status)
    }

    func signalAll(_ state: ContainerState, stateDir: String, signal: Int32) throws(RuneError) {
        let conn = try connectAgent(stateDir)
        defer { close(conn.fd) }
        try conn.send(AgentFrame(.kill, ["signal": String(signal), "all": "1"]))
        let reply = try conn.receive()
        if let reply, reply.kind == .error { throw RuneError(.failed, reply.fields["message"] ?? "kill failed") }
        // A v1 PAL cannot take signals: the init-runelet gets it instead and ends the container.
        if reply?.fields["delivered"] == "0" { _ = Glibc.kill(state.initPid, signal) }
    }

    func stop(_ state: ContainerState, stateDir: String) -> Bool {
        guard let conn = try? connectAgent(stateDir) else { return false }
        defer { close(conn.fd) }
        guard (try? conn.send(AgentFrame(.stop))) != nil else { return false }
        return (try? conn.receive())?.kind == .ok
    }

    func attest(stateDir: String, reportData: [UInt8], local: Bool) throws(RuneError) -> [UInt8] {
        let conn = try connectAgent(stateDir)
        defer { close(conn.fd) }
        try conn.send(AgentFrame(.attest, ["reportData": Hex.encode(reportData), "local": local ? "1" : "0"]))
        guard let reply = try conn.receive() else { throw RuneError(.failed, "enclave agent closed the connection") }
        if reply.kind == .error { throw RuneError(.failed, reply.fields["message"] ?? "attest failed") }
        guard let hex = reply.fields["evidence"], let bytes = Hex.decode(hex) else { throw RuneError(.failed, "attest: malformed evidence") }
        return bytes
    }

    private func socketFd() throws(RuneError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw RuneError(.failed, "socket: \(String(cString: strerror(errno)))") }
        return fd
    }

    private func address(_ path: String) throws(RuneError) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < 108 else { throw RuneError(.failed, "agent socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in for (i, b) in bytes.enumerated() { buf[i] = b } }
        return addr
    }

    private func withSocketPath<R>(_ stateDir: String, _ body: (String) throws(RuneError) -> R) throws(RuneError) -> R {
        let dirFd = open(stateDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFd >= 0 else { throw RuneError(.failed, "open \(stateDir): \(String(cString: strerror(errno)))") }
        defer { close(dirFd) }
        return try body("/proc/self/fd/\(dirFd)/agent.sock")
    }
}

extension SimPlatform {
    static func ensureSeedIfNeeded() throws(RuneError) { try ensureSeed() }
}

/// A host pty for `rune exec -t` into an enclave: the master goes to the console socket.
enum HostPty {
    static func open(consoleSocket: String) throws(RuneError) -> (master: Int32, slave: Int32) {
        let master: Int32, slave: Int32
        do { (master, slave, _) = try Pty.openPair() } catch { throw RuneError(.failed, "\(error)") }
        let sock = try connectUnix(consoleSocket)
        var fds = [master]
        let label = Array("/dev/ptmx".utf8)
        _ = label.withUnsafeBytes { rune_send_fds(sock, $0.baseAddress, $0.count, &fds, 1) }
        close(sock)
        return (master, slave)
    }
}
