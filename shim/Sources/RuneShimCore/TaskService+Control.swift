import Glibc
import ShimProto
import SwiftProtobuf

extension TaskService {
    func pids(_ r: Containerd_Task_V2_PidsRequest) async throws -> Containerd_Task_V2_PidsResponse {
        let c = try container(r.id)
        let pids = try await c.runtime.ps(id: c.id)
        let execByPid: [Int32: String] = lock.withLock {
            Dictionary(c.execs.values.filter { $0.pid > 0 }.map { ($0.pid, $0.execID) }, uniquingKeysWith: { a, _ in a })
        }
        var resp = Containerd_Task_V2_PidsResponse()
        resp.processes = pids.map { pid in
            var info = Containerd_V1_Types_ProcessInfo()
            info.pid = UInt32(pid)
            if let execID = execByPid[pid] {
                var details = Containerd_Runc_V1_ProcessDetails()
                details.execID = execID
                info.info = bareAny(details)
            }
            return info
        }
        return resp
    }

    func pause(_ r: Containerd_Task_V2_PauseRequest) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
        let c = try container(r.id)
        try await c.runtime.pause(id: c.id)
        lock.withLock { if c.initProcess.status == .running { c.initProcess.status = .paused } }
        var e = Containerd_Events_TaskPaused()
        e.containerID = c.id
        events.publish("/tasks/paused", e)
        return SwiftProtobuf.Google_Protobuf_Empty()
    }

    func resume(_ r: Containerd_Task_V2_ResumeRequest) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
        let c = try container(r.id)
        try await c.runtime.resume(id: c.id)
        lock.withLock { if c.initProcess.status == .paused { c.initProcess.status = .running } }
        var e = Containerd_Events_TaskResumed()
        e.containerID = c.id
        events.publish("/tasks/resumed", e)
        return SwiftProtobuf.Google_Protobuf_Empty()
    }

    func resizePty(_ r: Containerd_Task_V2_ResizePtyRequest) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
        let (_, p) = try process(r.id, r.execID)
        guard let io = lock.withLock({ p.io }) else { throw ShimError.failedPrecondition("process \(p.id) has no io") }
        try io.resize(width: r.width, height: r.height)
        return SwiftProtobuf.Google_Protobuf_Empty()
    }

    func closeIO(_ r: Containerd_Task_V2_CloseIORequest) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
        let (_, p) = try process(r.id, r.execID)
        if r.stdin { lock.withLock { p.io }?.closeStdin() }
        return SwiftProtobuf.Google_Protobuf_Empty()
    }

    func update(_ r: Containerd_Task_V2_UpdateTaskRequest) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
        let c = try container(r.id)
        guard r.hasResources else { throw ShimError.invalidArgument("update \(r.id): resources are empty") }
        try await c.runtime.update(id: c.id, resourcesJSON: Array(r.resources.value))
        return SwiftProtobuf.Google_Protobuf_Empty()
    }

    func stats(_ r: Containerd_Task_V2_StatsRequest) async throws -> Containerd_Task_V2_StatsResponse {
        let c = try container(r.id)
        let (pid, exited) = lock.withLock { (c.initProcess.pid, c.initProcess.hasExited) }
        guard !exited else { throw ShimError.notFound("container \(r.id) has exited: no stats") }
        let metrics = try CgroupV1Stats.collect(pid: pid)
        var resp = Containerd_Task_V2_StatsResponse()
        resp.stats = bareAny(metrics)
        return resp
    }
}
