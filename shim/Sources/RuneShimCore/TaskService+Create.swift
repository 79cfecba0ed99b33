import Glibc
import ShimProto
import SwiftProtobuf

extension TaskService {
    func create(_ r: Containerd_Task_V2_CreateTaskRequest) async throws -> Containerd_Task_V2_CreateTaskResponse {
        if lock.withLock({ containers[r.id] != nil }) { throw ShimError.alreadyExists("container \(r.id) already exists") }
        guard !r.bundle.isEmpty else { throw ShimError.invalidArgument("create \(r.id): bundle is empty") }
        let options = try CreateOptions(r.hasOptions ? r.options : nil)
        let configPath = options.configPath ?? ShimConfig.defaultPath
        let config = try ShimConfig.load(path: configPath, mustExist: options.configPath != nil)
        let settings = try RuntimeSettings.resolve(options: options.runc, config: config)
        try settings.save(bundle: r.bundle)
        let runtime = settings.client(namespace: namespace, bundle: r.bundle)
        // Without mounts (`ctr run --rootfs DIR`), config.json's root.path is the rootfs, maybe relative to the bundle.
        let rootfs = r.rootfs.isEmpty ? Self.specRootPath(bundle: r.bundle) : r.bundle + "/rootfs"

        if !r.rootfs.isEmpty {
            try Sys.mkdirAll(rootfs, mode: 0o711)
            try RootfsMounts.mountAll(r.rootfs, on: rootfs)
        }
        let process = ShimProcess(containerID: r.id, execID: "", stdin: r.stdin, stdout: r.stdout, stderr: r.stderr,
                                  terminal: r.terminal)
        do {
            try CarrierRegistry.apply(bundle: r.bundle, rootfs: rootfs, config: config, configPath: configPath,
                                      tool: RuneEnclaveCLI(name: config.carrier.enclaveTool))
            let pidFile = r.bundle + "/init.pid"
            try await launch(process, pidFile: pidFile) { io in
                try await runtime.create(id: r.id, bundle: r.bundle, pidFile: pidFile, consoleSocket: io.consoleSocket?.path,
                                         noPivot: settings.noPivot, noNewKeyring: settings.noNewKeyring, stdio: io.childFDs)
            }
        } catch {
            if !r.rootfs.isEmpty { RootfsMounts.unmountAll(rootfs) }
            logger.error("create \(r.id) failed: \(error)")
            throw error
        }
        let container = ShimContainer(id: r.id, bundle: r.bundle, runtime: runtime, initProcess: process,
                                      mountedRootfs: !r.rootfs.isEmpty)
        container.killAllOnInitExit = !Self.hasPrivatePidNamespace(bundle: r.bundle)
        if let dirs = try? CgroupV1Stats.paths(pid: process.pid), let dir = dirs["pids"] ?? dirs["memory"] ?? dirs["freezer"] {
            container.cgroupProcs = dir + "/cgroup.procs"
        }
        container.oom = OOMWatcher.start(pid: process.pid) { [weak self] in self?.publishOOM(r.id) }
        lock.withLock { containers[r.id] = container }
        Reaper.shared.watch(pid: process.pid) { [weak self] status in self?.processExited(process, status: status) }

        var e = Containerd_Events_TaskCreate()
        e.containerID = r.id
        e.bundle = r.bundle
        e.rootfs = r.rootfs
        e.io.stdin = r.stdin
        e.io.stdout = r.stdout
        e.io.stderr = r.stderr
        e.io.terminal = r.terminal
        e.checkpoint = r.checkpoint
        e.pid = UInt32(process.pid)
        events.publish("/tasks/create", e)
        var resp = Containerd_Task_V2_CreateTaskResponse()
        resp.pid = UInt32(process.pid)
        return resp
    }

    /// Sets up stdio, runs the runtime command (create, or exec --detach), then reads the pid file
    /// and takes the pty master if there is a terminal. Leaves nothing open on failure.
    func launch(_ p: ShimProcess, pidFile: String, _ command: (ProcessIO) async throws -> Void) async throws {
        let io = try ProcessIO(stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, terminal: p.terminal,
                               id: p.containerID, namespace: namespace)
        do {
            defer { io.closeChildEnds() }
            try await command(io)
        } catch {
            io.release()
            throw error
        }
        do {
            let text = try Sys.readText(pidFile).trimmingSpaces()
            guard let pid = Int32(text), pid > 0 else { throw ShimError.failed("bad pid file \(pidFile): \(text)") }
            if let console = io.consoleSocket {
                try io.attachConsole(master: try console.receiveMaster())
                console.remove()
            }
            lock.withLock {
                p.pid = pid
                p.io = io
            }
        } catch {
            io.release()
            throw error
        }
    }

    static func specRootPath(bundle: String) -> String {
        guard let bytes = try? Sys.readFile(bundle + "/config.json"), let spec = try? JSON.parse(bytes),
              let path = spec["root"]?["path"]?.string, !path.isEmpty else { return bundle + "/rootfs" }
        return path.hasPrefix("/") ? path : bundle + "/" + path
    }

    /// A `pid` namespace entry without a path in config.json.
    static func hasPrivatePidNamespace(bundle: String) -> Bool {
        guard let bytes = try? Sys.readFile(bundle + "/config.json"), let spec = try? JSON.parse(bytes),
              let namespaces = spec["linux"]?["namespaces"]?.array else { return false }
        return namespaces.contains { $0["type"]?.string == "pid" && ($0["path"]?.string ?? "").isEmpty }
    }

    func publishOOM(_ id: String) {
        var e = Containerd_Events_TaskOOM()
        e.containerID = id
        events.publish("/tasks/oom", e)
    }

    func start(_ r: Containerd_Task_V2_StartRequest) async throws -> Containerd_Task_V2_StartResponse {
        let (c, p) = try process(r.id, r.execID)
        var resp = Containerd_Task_V2_StartResponse()
        if p.isInit {
            try await withExitsHeld(p) {
                guard lock.withLock({ p.status == .created }) else {
                    throw ShimError.failedPrecondition("container \(r.id) is not in the created state")
                }
                try await c.runtime.start(id: r.id)
                lock.withLock { if p.status == .created { p.status = .running } }
                var e = Containerd_Events_TaskStart()
                e.containerID = r.id
                e.pid = UInt32(p.pid)
                events.publish("/tasks/start", e)
            }
        } else {
            try await startExec(c, p)
        }
        resp.pid = UInt32(p.pid)
        return resp
    }

    private func startExec(_ c: ShimContainer, _ p: ShimProcess) async throws {
        guard lock.withLock({ p.status == .created && p.pid == 0 }) else {
            throw ShimError.failedPrecondition("exec \(p.execID) was already started")
        }
        let specFile = c.bundle + "/exec-\(p.execID).json"
        let pidFile = c.bundle + "/exec-\(p.execID).pid"
        try Sys.writeFile(specFile, p.processSpec)
        defer { unlink(specFile); unlink(pidFile) }
        try await withExitsHeld(p) {
            try await launch(p, pidFile: pidFile) { io in
                try await c.runtime.exec(id: c.id, processFile: specFile, pidFile: pidFile,
                                         consoleSocket: io.consoleSocket?.path, stdio: io.childFDs)
            }
            lock.withLock { p.status = .running }
            Reaper.shared.watch(pid: p.pid) { [weak self] status in self?.processExited(p, status: status) }
            var e = Containerd_Events_TaskExecStarted()
            e.containerID = c.id
            e.execID = p.execID
            e.pid = UInt32(p.pid)
            events.publish("/tasks/exec-started", e)
        }
    }
}
