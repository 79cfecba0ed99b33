import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

public struct ExecOptions: Sendable {
    public var process: Process
    public var consoleSocket: String?
    public var pidFile: String?
    public var detach = false
    public var preserveFds = 0

    public init(process: Process) { self.process = process }
}

extension Runtime {
    /// `rune exec`: starts a process in a running container; returns its exit code unless detached.
    public func exec(id: String, options: ExecOptions) throws(RuneError) -> Int32 {
        let (state, lock) = try store.load(id)
        switch status(of: state) {
        case .stopped: throw RuneError(.invalidState, "cannot exec in a stopped container")
        case .paused: throw RuneError(.invalidState, "cannot exec in a paused container")
        default: break
        }
        if options.process.terminal == true && options.consoleSocket == nil && options.detach {
            throw RuneError(.invalidArgument, "cannot allocate tty if rune will detach without setting console socket")
        }
        if state.enclave != nil, let ops = enclaveOps {
            lock.release()
            return try ops.exec(state, stateDir: store.directory(id), options: options)
        }
        if !options.detach {
            Waiter.becomeSubreaper()
            Waiter.blockForwarded()
        }
        let console = try options.consoleSocket.map { path throws(RuneError) in try connectUnix(path) }
        defer { if let console { close(console) } }
        let base = Int32(3 + options.preserveFds)
        let spec = try state.config.spec()
        var config = InitConfig(kind: .exec, id: id, spec: spec, process: options.process, bundle: state.bundle,
                                rootfs: state.rootfs)
        config.preserveFds = options.preserveFds
        config.consoleFd = console == nil ? nil : base + 1
        config.enclave = state.enclave
        config.hostPid = state.initPid
        config.seccompCacheDir = store.root + "/.seccomp-cache"
        try SeccompLoader.compile(into: &config)
        let child = try InitProcess.start(executable: initExecutable(nil), bootstrap: Bootstrap(joining: state.initPid, spec: spec),
                                          config: config, pipeFd: base, extraFds: console.map { [($0, base + 1)] } ?? [],
                                          cgroup: CgroupManager(paths: state.cgroupPaths), scratchDir: store.directory(id))
        do {
            try child.serve(config, hooks: { () throws(RuneError) in }, seccompListener: { (fd: Int32) throws(RuneError) in
                try SeccompLoader.forward(fd, spec: spec, id: id, pid: child.initPid, bundle: state.bundle)
            })
        } catch {
            _ = Glibc.kill(child.initPid, SIGKILL)
            waitGone(child.initPid)
            throw error
        }
        lock.release()
        if let pidFile = options.pidFile { try writePidFile(pidFile, pid: child.initPid) }
        if options.detach { return 0 }
        return Waiter.wait(for: child.initPid)
    }
}
