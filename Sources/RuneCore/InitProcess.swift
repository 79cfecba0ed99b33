import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

/// Host-side handle on a container process being started: spawns `rune init`, drives nsexec's
/// bootstrap, then the configuration exchange.
struct InitProcess {
    let channel: InitChannel
    let initPid: Int32

    /// Spawns the init with its socket at `pipeFd` and extra fds, bootstraps it and sends `config`;
    /// returns once nsexec reported the container process's pid.
    static func start(executable: String, bootstrap: Bootstrap, config: InitConfig, pipeFd: Int32, extraFds: [(Int32, Int32)],
                      cgroup: CgroupManager, scratchDir: String) throws(RuneError) -> InitProcess {
        let pending = try PendingInit.spawn(executable: executable, bootstrap: bootstrap, pipeFd: pipeFd, extraFds: extraFds,
                                            scratchDir: scratchDir)
        return try pending.finish(cgroup: cgroup, config: config)
    }

    static func readPids(_ channel: InitChannel) throws(RuneError) -> Int32 {
        let frame: (type: UInt32, payload: [UInt8])?
        do { frame = try channel.receive() } catch { throw error.rune }
        guard let frame else { throw RuneError(.failed, "namespace setup exited without a report") }
        if frame.type == InitMessage.error.rawValue { throw RuneError(.failed, String(decoding: frame.payload, as: UTF8.self)) }
        guard frame.type == InitMessage.pids.rawValue, frame.payload.count == 8 else {
            throw RuneError(.failed, "unexpected message \(frame.type) from namespace setup")
        }
        return frame.payload.withUnsafeBytes { $0.load(as: Int32.self) }
    }

    /// The init's own environment (the container process gets the spec's). SWIFT_BACKTRACE names a
    /// backtracer so that the Swift runtime does not look for swift-backtrace next to the binary at
    /// start-up (eight stats; none is installed, so crash backtraces were off already).
    static func initEnvironment() -> [String] {
        var out = ["SWIFT_BACKTRACE=enable=no,swift-backtrace=/dev/null"]
        for name in ["RUNE_DEBUG"] { if let v = getenv(name) { out.append("\(name)=\(String(cString: v))") } }
        return out
    }

    /// Serves the init's requests until it reports ready (create) or exec'd (exec: the socket closes
    /// on exec). The configuration went with the bootstrap (PendingInit.finish).
    func serve(_ config: InitConfig, hooks: () throws(RuneError) -> Void,
               seccompListener: (Int32) throws(RuneError) -> Void = { _ throws(RuneError) in }) throws(RuneError) {
        defer { close(channel.fd) }
        while true {
            let frame: (type: UInt32, payload: [UInt8])?
            do { frame = try channel.receive() } catch { throw error.rune }
            guard let frame else {
                if config.kind == .exec { return }
                throw RuneError(.failed, "container init exited unexpectedly")
            }
            switch InitMessage(rawValue: frame.type) {
            case .runHooks?:
                try hooks()
                do { try channel.send(.hooksDone) } catch { throw error.rune }
            case .seccompFd?:
                // The fd itself follows in its own message: the listener gets it before the init goes on.
                let got: (type: UInt32, fd: Int32)?
                do { got = try channel.receiveFd() } catch { throw error.rune }
                guard let got else { throw RuneError(.failed, "container init: seccomp listener fd missing") }
                defer { close(got.fd) }
                try seccompListener(got.fd)
                do { try channel.send(.seccompDone) } catch { throw error.rune }
            case .ready?:
                if config.kind == .create { return }
            case .error?:
                throw RuneError(.failed, String(decoding: frame.payload, as: UTF8.self))
            default:
                throw RuneError(.failed, "unexpected message \(frame.type) from container init")
            }
        }
    }
}

/// An init that is starting (exec, runtime start-up) while rune prepares the rest: nsexec.c waits for
/// its bootstrap before it does anything, so cgroups can be made in the meantime on the other CPU.
struct PendingInit {
    let channel: InitChannel
    let stage0: pid_t
    private let childEnd: Int32

    /// The bootstrap's first batch (namespaces) is in the socket before the init starts, so nsexec reads
    /// it at once and never waits on rune for it.
    static func spawn(executable: String, bootstrap: Bootstrap, pipeFd: Int32, extraFds: [(Int32, Int32)],
                      scratchDir: String) throws(RuneError) -> PendingInit {
        var pair: [Int32] = [0, 0]
        do {
            try Syscall.check("socketpair") {
                socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair)
            }
        } catch { throw error.rune }
        let sealed: Int32
        do throws(RuneError) {
            do { try bootstrap.sendNamespaces(on: InitChannel(fd: pair[0])) } catch { throw RuneError.wrap(error, "container init") }
            sealed = try SealedBinary.make(from: executable, scratchDir: scratchDir)
        } catch {
            close(pair[0]); close(pair[1])
            throw error
        }
        defer { close(sealed) }
        do {
            let stage0 = try Spawner.spawn(executable: .fd(sealed), argv0: "rune", arguments: ["init"],
                                           environment: ["_RUNE_INITPIPE=" + String(decimal: pipeFd)] + InitProcess.initEnvironment(),
                                           fds: [(pair[1], pipeFd)] + extraFds)
            return PendingInit(channel: InitChannel(fd: pair[0]), stage0: stage0, childEnd: pair[1])
        } catch {
            close(pair[0]); close(pair[1])
            throw RuneError(.failed, "start container init \(executable): \(error)")
        }
    }

    /// Sends where to place the container (the bootstrap's second batch), then the configuration, which
    /// waits in the socket for the container process; returns once nsexec reported that process's pid.
    func finish(cgroup: CgroupManager, config: InitConfig) throws(RuneError) -> InitProcess {
        try place(in: cgroup, config: config)
        return try started()
    }

    /// Sends where to place the container and then its configuration (the container process reads it
    /// as soon as it starts). On failure the init is stopped.
    /// With `config.cgroupTasks` set, nsexec only forks into the cgroup2 directory (the one cgroup that
    /// must exist by then) and the container process joins the v1 hierarchies itself later.
    func place(in cgroup: CgroupManager, config: InitConfig) throws(RuneError) {
        close(childEnd)
        do {
            let placement = cgroup.selfPlacement
            let later = config.cgroupTasks != nil
            try Bootstrap.sendCgroups(tasks: later ? [] : placement.tasks, cgroup2Dir: placement.unifiedDir, placeLater: later,
                                      on: channel)
            do { try channel.send(.config, try JSON.encoder.encodeBytes(config)) } catch {
                throw RuneError(.failed, "send config to container init: \(error)")
            }
        } catch {
            abort(closing: false)
            throw RuneError.wrap(error, "container init")
        }
    }

    /// Sends the container process one of the frames HostReadiness reads. One that is gone already (EPIPE)
    /// left its error in the socket, which `serve` reports.
    func sendHost(_ type: InitMessage, fds: [Int32] = []) throws(RuneError) {
        do {
            if fds.isEmpty { try channel.send(type) } else { try channel.send(type, fds: fds) }
        } catch {
            if error.errno == EPIPE || error.errno == ECONNRESET { return }
            throw RuneError.wrap(error.rune, "container init")
        }
    }

    /// Returns once nsexec reported the container process's pid.
    func started() throws(RuneError) -> InitProcess {
        do {
            // The stage that reports exits right after it (stage 0 last): waiting for stage 0 first wakes
            // rune once, and the report is then read without blocking.
            _ = try? Spawner.wait(stage0)
            let pid = try InitProcess.readPids(channel)
            return InitProcess(channel: channel, initPid: pid)
        } catch {
            abort(closing: false)
            throw RuneError.wrap(error, "container init")
        }
    }

    /// Stops an init that will not be bootstrapped.
    func abort(closing childEndToo: Bool = true) {
        kill(stage0, SIGKILL)
        _ = try? Spawner.wait(stage0)
        close(channel.fd)
        if childEndToo { close(childEnd) }
    }
}
