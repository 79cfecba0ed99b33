import Glibc
import ShimProto
import SwiftProtobuf

extension TaskService {
    func delete(_ r: Containerd_Task_V2_DeleteRequest) async throws -> Containerd_Task_V2_DeleteResponse {
        let (c, p) = try process(r.id, r.execID)
        if p.isInit {
            try await deleteContainer(c)
        } else {
            try lock.withLock {
                guard p.hasExited || p.pid == 0 else {
                    throw ShimError.failedPrecondition("exec \(p.execID) is still running")
                }
                c.execs[p.execID] = nil
            }
            p.io?.release()
        }
        var resp = Containerd_Task_V2_DeleteResponse()
        lock.withLock {
            resp.pid = UInt32(p.pid)
            resp.exitStatus = p.exitStatus
            resp.exitedAt = p.exitedAt ?? timestampNow()
        }
        return resp
    }

    private func deleteContainer(_ c: ShimContainer) async throws {
        let p = c.initProcess
        let running = lock.withLock { p.status == .running || p.status == .paused }
        if running { throw ShimError.failedPrecondition("container \(c.id) is still running: kill it first") }
        do {
            try await c.runtime.delete(id: c.id, force: !p.hasExited)
        } catch {
            // Already gone from the runtime (or never created): nothing left to delete there.
            if (try? await c.runtime.state(id: c.id)) != nil { throw error }
        }
        if c.mountedRootfs { RootfsMounts.unmountAll(c.rootfsPath) }
        c.oom?.stop()
        let execs: [ShimProcess] = lock.withLock {
            containers[c.id] = nil
            return Array(c.execs.values)
        }
        for e in execs { e.io?.release() }
        p.io?.release()
        var e = Containerd_Events_TaskDelete()
        lock.withLock {
            e.containerID = c.id
            e.id = c.id
            e.pid = UInt32(p.pid)
            e.exitStatus = p.exitStatus
            e.exitedAt = p.exitedAt ?? timestampNow()
        }
        events.publish("/tasks/delete", e)
    }

    func wait(_ r: Containerd_Task_V2_WaitRequest) async throws -> Containerd_Task_V2_WaitResponse {
        let (_, p) = try process(r.id, r.execID)
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let done: Bool = lock.withLock {
                if p.hasExited { return true }
                p.waiters.append(cont)
                return false
            }
            if done { cont.resume() }
        }
        var resp = Containerd_Task_V2_WaitResponse()
        lock.withLock {
            resp.exitStatus = p.exitStatus
            if let t = p.exitedAt { resp.exitedAt = t }
        }
        return resp
    }

    func state(_ r: Containerd_Task_V2_StateRequest) async throws -> Containerd_Task_V2_StateResponse {
        let (c, p) = try process(r.id, r.execID)
        var resp = Containerd_Task_V2_StateResponse()
        lock.withLock {
            resp.id = p.id
            resp.bundle = c.bundle
            resp.pid = UInt32(p.pid)
            resp.status = p.status
            resp.stdin = p.stdin
            resp.stdout = p.stdout
            resp.stderr = p.stderr
            resp.terminal = p.terminal
            resp.exitStatus = p.exitStatus
            if let t = p.exitedAt { resp.exitedAt = t }
            resp.execID = p.execID
        }
        return resp
    }

    func exec(_ r: Containerd_Task_V2_ExecProcessRequest) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
        let c = try container(r.id)
        guard !r.execID.isEmpty else { throw ShimError.invalidArgument("exec: exec_id is empty") }
        guard r.hasSpec, !r.spec.value.isEmpty else { throw ShimError.invalidArgument("exec \(r.execID): process spec is empty") }
        let p = ShimProcess(containerID: r.id, execID: r.execID, stdin: r.stdin, stdout: r.stdout, stderr: r.stderr,
                            terminal: r.terminal, processSpec: CarrierRegistry.withoutCarrierEnv(Array(r.spec.value)))
        try lock.withLock {
            guard c.initProcess.status == .running || c.initProcess.status == .paused else {
                throw ShimError.failedPrecondition("container \(r.id) is not running")
            }
            guard c.execs[r.execID] == nil else { throw ShimError.alreadyExists("exec \(r.execID) already exists in \(r.id)") }
            c.execs[r.execID] = p
        }
        var e = Containerd_Events_TaskExecAdded()
        e.containerID = r.id
        e.execID = r.execID
        events.publish("/tasks/exec-added", e)
        return SwiftProtobuf.Google_Protobuf_Empty()
    }

    func kill(_ r: Containerd_Task_V2_KillRequest) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
        let (c, p) = try process(r.id, r.execID)
        let (exited, pid) = lock.withLock { (p.hasExited, p.pid) }
        if exited && !r.all { throw ShimError.notFound("process \(p.id) already finished") }
        if p.isInit {
            do {
                try await c.runtime.kill(id: c.id, signal: r.signal, all: r.all)
            } catch {
                if lock.withLock({ p.hasExited }) { throw ShimError.notFound("process \(p.id) already finished") }
                throw error
            }
        } else {
            guard pid > 0 else { throw ShimError.failedPrecondition("exec \(p.execID) was not started") }
            if Glibc.kill(pid, Int32(r.signal)) != 0 {
                throw errno == ESRCH ? ShimError.notFound("process \(p.id) already finished")
                    : ShimError.failed("kill \(pid): \(Sys.errnoText())")
            }
        }
        return SwiftProtobuf.Google_Protobuf_Empty()
    }

    func connect(_ r: Containerd_Task_V2_ConnectRequest) async throws -> Containerd_Task_V2_ConnectResponse {
        var resp = Containerd_Task_V2_ConnectResponse()
        resp.shimPid = UInt32(getpid())
        lock.withLock {
            if let c = containers[r.id] { resp.taskPid = UInt32(c.initProcess.pid) }
        }
        return resp
    }

    func shutdown(_ r: Containerd_Task_V2_ShutdownRequest) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
        let leave = lock.withLock {
            shuttingDown = shuttingDown || containers.isEmpty || r.now
            return shuttingDown
        }
        if leave { onShutdown() }
        return SwiftProtobuf.Google_Protobuf_Empty()
    }
}
