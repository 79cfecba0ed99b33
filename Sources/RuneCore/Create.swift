import CRuneLinux
import Glibc
import OCISpec
import RuneCgroups
import RuneSystem

public struct CreateOptions: Sendable {
    public var bundle: String
    public var consoleSocket: String?
    /// An already connected console socket (foreground `run -t` keeps the other end and proxies the pty).
    public var consoleSocketFd: Int32?
    public var pidFile: String?
    public var preserveFds = 0
    public var noPivot = false
    public var noNewKeyring = false
    /// `run` in the foreground keeps the container's stdio and waits for it.
    public var foreground = false

    public init(bundle: String) { self.bundle = bundle }
}

extension Runtime {
    /// `rune create`: sets up the container and leaves its init waiting on the exec fifo.
    public func create(id: String, options: CreateOptions) throws(RuneError) -> ContainerState {
        Log.step("create: start")
        let bundle = FileSystem.absolute(options.bundle)
        return try create(id: id, options: options, bundle: bundle, spec: try loadSpec(bundle: bundle))
    }

    /// `create` with the bundle's spec already loaded and validated (`run` reads it once for both).
    func create(id: String, options: CreateOptions, bundle: String, spec loaded: Spec) throws(RuneError) -> ContainerState {
        var spec = loaded
        Log.step("create: spec loaded")
        let enclave = try enclaveResolver?(&spec, bundle)
        guard let process = spec.process else { throw RuneError(.invalidArgument, "config.json: process: missing") }
        try checkConsole(process: process, options: options)
        let lock = try store.createDirectory(id)
        var launch = Launch(runtime: self, id: id, stateDir: store.directory(id))
        do {
            let state = try launch.run(spec: spec, process: process, bundle: bundle, options: options, enclave: enclave)
            if let pidFile = options.pidFile { try writePidFile(pidFile, pid: state.initPid) }
            _ = lock
            return state
        } catch {
            launch.abort()
            throw error
        }
    }

    func loadSpec(bundle: String) throws(RuneError) -> Spec {
        let spec: Spec
        do { spec = try Spec.load(bundle: bundle) } catch { throw RuneError(.invalidArgument, "\(error)") }
        let problems = spec.validate(bundle: bundle)
        if !problems.isEmpty { throw RuneError(.invalidArgument, "config.json: " + problems.joined(separator: "; ")) }
        return spec
    }

    func checkConsole(process: Process, options: CreateOptions) throws(RuneError) {
        let terminal = process.terminal ?? false
        if terminal && options.consoleSocket == nil && !options.foreground {
            throw RuneError(.invalidArgument, "cannot allocate tty if rune will detach without setting console socket")
        }
        if !terminal && options.consoleSocket != nil {
            throw RuneError(.invalidArgument, "cannot use console socket if rune will not detach or allocate tty")
        }
    }

    public func writePidFile(_ path: String, pid: Int32) throws(RuneError) {
        do { try FileSystem.writeAtomically(FileSystem.absolute(path), Array("\(pid)".utf8), mode: 0o644) } catch {
            throw RuneError.wrap(error, "write pid file")
        }
    }
}

/// One container launch; remembers what it made so a failure can take it all back.
struct Launch {
    let runtime: Runtime
    let id: String
    let stateDir: String
    var cgroup: CgroupManager?
    /// Every cgroup directory this launch made, parents included: a failed one removes them all.
    var madeCgroupDirs: [String] = []
    /// The host's v1 hierarchies in mount order (InitConfig.cgroupHierarchies).
    var cgroupHierarchies: [String]?
    var initPid: Int32 = 0

    init(runtime: Runtime, id: String, stateDir: String) {
        self.runtime = runtime
        self.id = id
        self.stateDir = stateDir
    }

    mutating func run(spec: Spec, process: Process, bundle: String, options: CreateOptions,
                      enclave: EnclaveSettings?) throws(RuneError) -> ContainerState {
        // The init starts up and makes its namespaces on another CPU while the cgroups are made. It places
        // itself in them when they are ready, or, when it may (`config.cgroupTasks`), forks the container
        // process as soon as the cgroup2 directory exists and that process joins the v1 ones later.
        let spawned = try spawnInit(spec: spec, process: process, bundle: bundle, options: options, enclave: enclave)
        let pending = spawned.pending
        // The init's path (exec, start-up, namespaces, then the whole rootfs) is the longer one; the cgroups
        // need only exist once it has unshared. The new process often starts queued on this CPU (the other
        // one busy with the last container's teardown), so it goes first: `run` 5.8 -> 5.4 ms (bench).
        sched_yield()
        var config = spawned.config
        // A container process that joins the v1 hierarchies itself needs only the cgroup2 directory made
        // before nsexec forks it.
        let placesItself = config.cgroupTasks != nil
        let cgroups: CgroupManager
        do { cgroups = try makeCgroups(spec, onlyUnified: placesItself) } catch {
            pending.abort()
            throw error
        }
        config.cgroupPaths = cgroups.paths
        config.cgroupHierarchies = cgroupHierarchies
        if placesItself { config.cgroupTasks = cgroups.selfPlacement.tasks }
        try pending.place(in: cgroups, config: config)
        let child: InitProcess
        if placesItself {
            child = try startEarly(pending, cgroups: cgroups, spec: spec, config: config)
        } else {
            // While nsexec places itself and forks (this process sleeps then, leaving it the CPU), then while
            // the container process starts up, rune makes its network namespace and writes the limits.
            child = try pending.started()
            initPid = child.initPid
            do {
                if config.networkFromHost { try sendNetwork(pending) }
                try writeLimits(pending, cgroups: cgroups, spec: spec)
            } catch {
                close(child.channel.fd)
                throw error
            }
        }
        Log.step("create: init pid \(child.initPid)")
        // The state is read and encoded while the init sets up the container (this process has nothing
        // else to do then); once it reports ready, only the file is written. The pid is the init's for good.
        // An init that has already failed and gone has its error waiting in the socket, for serve to report.
        let rootfs = config.rootfs
        let early = ProcessTable.startTime(of: initPid)
        var state = ContainerState(id: id, bundle: bundle, rootfs: rootfs, initPid: initPid, initStartTime: early ?? 0,
                                   created: ProcessTable.timestamp(), owner: "", cgroupPaths: cgroups.paths,
                                   config: spec, enclave: enclave)
        let encoded = early == nil ? nil : try runtime.store.encode(state)
        let pid = initPid, hookBase = state
        try child.serve(config, hooks: { () throws(RuneError) in
            let hs = runtime.hookState(hookBase, status: .creating)
            try HookRunner.run(spec.hooks?.prestart, kind: "prestart", state: hs)
            try HookRunner.run(spec.hooks?.createRuntime, kind: "createRuntime", state: hs)
        }, seccompListener: { (fd: Int32) throws(RuneError) in
            try SeccompLoader.forward(fd, spec: spec, id: id, pid: pid, bundle: bundle)
        })
        Log.step("create: init ready")
        if let encoded {
            try runtime.store.save(encoded, id: id)
        } else {
            guard let start = ProcessTable.startTime(of: initPid) else {
                throw RuneError(.failed, "container init exited unexpectedly")
            }
            state.initStartTime = start
            try runtime.store.save(state)
        }
        // runc 1.1 runs poststart when the init has been set up, at the end of create; rune follows it.
        try HookRunner.run(spec.hooks?.poststart, kind: "poststart", state: runtime.hookState(state, status: .created))
        return state
    }

    /// The exec fifo, console and agent fds, the init's configuration (without the cgroups), and the
    /// init spawned with its namespace batch.
    func spawnInit(spec: Spec, process: Process, bundle: String, options: CreateOptions,
                   enclave: EnclaveSettings?) throws(RuneError) -> (pending: PendingInit, config: InitConfig) {
        let fifoPath = stateDir + "/exec.fifo"
        guard mkfifo(fifoPath, 0o622) == 0 else { throw SyscallError(name: "mkfifo", errno: errno, context: fifoPath).rune }
        // The umask must not take the write bit a non-root container user needs (as runc does).
        chmod(fifoPath, 0o622)
        if let root = Bootstrap.containerRootIDs(spec) { chown(fifoPath, root.uid, root.gid) }
        let fifo = try openOrThrow(fifoPath, RUNE_O_PATH | O_CLOEXEC)
        defer { close(fifo) }
        var console = options.consoleSocketFd
        if console == nil, let path = options.consoleSocket { console = try connectUnix(path) }
        defer { if let console, options.consoleSocketFd == nil { close(console) } }

        let rootfs = FileSystem.absolute(spec.rootfsPath(bundle: bundle) ?? bundle + "/rootfs")
        let base = Int32(3 + options.preserveFds)
        var config = InitConfig(kind: .create, id: id, spec: spec, process: process, bundle: bundle, rootfs: rootfs)
        config.noPivot = options.noPivot
        config.noNewKeyring = options.noNewKeyring
        config.preserveFds = options.preserveFds
        config.fifoFd = base + 1
        config.consoleFd = console == nil ? nil : base + 2
        config.enclave = enclave
        config.seccompCacheDir = runtime.store.root + "/.seccomp-cache"

        try SeccompLoader.compile(into: &config)
        var extra: [(Int32, Int32)] = [(fifo, base + 1)]
        if let console { extra.append((console, base + 2)) }
        var agent: Int32 = -1
        defer { if agent >= 0 { close(agent) } }
        if enclave != nil, let ops = runtime.enclaveOps {
            agent = try ops.listen(stateDir: stateDir)
            extra.append((agent, base + 3))
            config.agentFd = base + 3
        }
        let bootstrap = Bootstrap(spec: spec)
        config.networkFromHost = bootstrap.networkFromHost
        // The container process joins the v1 hierarchies itself when nsexec has no user namespace or
        // namespace paths to handle first (filled in once they are planned).
        if bootstrap.forksAtOnce, !runtime.rootless, geteuid() == 0 { config.cgroupTasks = [] }
        // Its own pid comes from nsexec (config.hostPid stays 0).
        let pending = try PendingInit.spawn(executable: runtime.initExecutable(enclave), bootstrap: bootstrap, pipeFd: base,
                                            extraFds: extra, scratchDir: stateDir)
        return (pending, config)
    }

    /// The container's cgroups, made (only the permitted ones when rootless; with `onlyUnified`, only the
    /// cgroup2 directory); `writeLimits` writes the limits.
    mutating func makeCgroups(_ spec: Spec, onlyUnified: Bool) throws(RuneError) -> CgroupManager {
        do {
            let mountInfo = try? FileSystem.readString("/proc/self/mountinfo")
            let (planned, hierarchies) = try CgroupManager.plan(cgroupsPath: spec.linux?.cgroupsPath, containerID: id,
                                                                mountInfo: mountInfo)
            // Without a mount table to send, the init reads its own.
            cgroupHierarchies = mountInfo == nil ? nil : hierarchies
            if runtime.rootless {
                let permitted = try planned.createPermitted()
                cgroup = permitted
                return permitted
            }
            cgroup = planned
            try planned.create(where: { !onlyUnified || $0 == CgroupManager.unifiedKey }, made: &madeCgroupDirs)
            Log.step("create: cgroups ready")
            return planned
        } catch { throw RuneError(.failed, "\(error)") }
    }

    /// The container process is forked as soon as nsexec has its cgroup2 directory. While it starts up and
    /// mounts, rune makes the v1 cgroups (`hostCgroups`: it joins them itself, while rune goes on) and its
    /// network namespace, then writes the limits.
    mutating func startEarly(_ pending: PendingInit, cgroups: CgroupManager, spec: Spec,
                             config: InitConfig) throws(RuneError) -> InitProcess {
        do throws(RuneError) {
            do { try cgroups.create(where: { $0 != CgroupManager.unifiedKey }, made: &madeCgroupDirs) } catch {
                throw RuneError(.failed, "\(error)")
            }
            // The very list the container process pairs the fds with.
            try sendCgroups(pending, tasks: config.cgroupTasks ?? [])
            if config.networkFromHost { try sendNetwork(pending) }
        } catch {
            // nsexec forks the container process regardless: its pid is learnt so that abort stops it.
            if let child = try? pending.started() {
                initPid = child.initPid
                close(child.channel.fd)
            }
            throw error
        }
        let child = try pending.started()
        initPid = child.initPid
        do { try writeLimits(pending, cgroups: cgroups, spec: spec) } catch {
            close(child.channel.fd)
            throw error
        }
        return child
    }

    /// The v1 `tasks` files, opened here while the container process is busy, sent as `hostCgroups`: it
    /// only writes "0" to each (the same fds in InitConfig.cgroupTasks's order).
    func sendCgroups(_ pending: PendingInit, tasks: [String]) throws(RuneError) {
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        for path in tasks { fds.append(try openOrThrow(path, O_WRONLY | O_CLOEXEC)) }
        try pending.sendHost(.hostCgroups, fds: fds)
    }

    /// A new network namespace for the container process (Bootstrap.networkFromHost), sent as `hostNetwork`.
    func sendNetwork(_ pending: PendingInit) throws(RuneError) {
        let netns: Int32
        do { netns = try NetworkNamespace.makeDetached() } catch {
            throw RuneError.wrap(error.rune, "create network namespace")
        }
        defer { close(netns) }
        try pending.sendHost(.hostNetwork, fds: [netns])
    }

    /// Writes `linux.resources` (rootless: without device rules, as runc) and sends `hostReady`: the
    /// container process makes devices and runs anything only after it.
    func writeLimits(_ pending: PendingInit, cgroups: CgroupManager, spec: Spec) throws(RuneError) {
        do {
            for warning in try cgroups.apply(spec.linux?.resources, deviceRules: !runtime.rootless) { Log.warn(warning) }
        } catch { throw RuneError(.failed, "\(error)") }
        try pending.sendHost(.hostReady)
    }

    /// Undoes a failed create: the init process, its cgroups and the state directory.
    func abort() {
        if initPid > 0 {
            kill(initPid, SIGKILL)
            waitGone(initPid)
        }
        try? cgroup?.destroy()
        for dir in madeCgroupDirs.reversed() { rmdir(dir) }
        try? runtime.store.remove(id)
    }
}

func openOrThrow(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws(RuneError) -> Int32 {
    do { return try Syscall.check("open", path) { open(path, flags, mode) } } catch { throw error.rune }
}

/// Connects to a unix socket by path (callers keep paths under sun_path's 108 bytes, e.g. through /proc/self/fd).
public func connectUnix(_ path: String) throws(RuneError) -> Int32 {
    do {
        let fd = try Syscall.check("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw SyscallError(name: "connect", errno: ENAMETOOLONG, context: path)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in for (i, b) in bytes.enumerated() { buf[i] = b } }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 {
            let err = errno
            close(fd)
            throw SyscallError(name: "connect", errno: err, context: path)
        }
        return fd
    } catch let e as SyscallError { throw e.rune } catch { throw RuneError(.failed, "\(error)") }
}

/// Waits until a process (not necessarily our child) is gone, without a fixed sleep: poll on its pidfd.
func waitGone(_ pid: Int32) {
    let pidfd = rune_pidfd_open(pid)
    if pidfd >= 0 {
        var pfd = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        _ = poll(&pfd, 1, 10_000)
        close(pidfd)
    }
    var status: Int32 = 0
    _ = waitpid(pid, &status, WNOHANG)
}
