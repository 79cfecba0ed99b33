import Glibc
import NIOConcurrencyHelpers
import ShimProto
import SwiftProtobuf
import TTRPC

/// `containerd.task.v2.Task` over ttrpc, driving the OCI runtime CLI.
public final class TaskService: TTRPCHandler, @unchecked Sendable {
    public static let serviceName = "containerd.task.v2.Task"

    let namespace: String
    let events: EventPublisher
    let logger: ShimLogger
    let lock = NIOLock()
    var containers: [String: ShimContainer] = [:]
    /// A Shutdown that leaves no containers: the serving process removes its socket, replies, then exits.
    let onShutdown: @Sendable () -> Void
    let afterShutdownReply: @Sendable () -> Void
    var shuttingDown = false

    public init(namespace: String, events: EventPublisher, logger: ShimLogger, onShutdown: @escaping @Sendable () -> Void,
                afterShutdownReply: @escaping @Sendable () -> Void) {
        self.namespace = namespace
        self.events = events
        self.logger = logger
        self.onShutdown = onShutdown
        self.afterShutdownReply = afterShutdownReply
    }

    public func replySent(_ request: TTRPCRequest) {
        if request.method == "Shutdown" && lock.withLock({ shuttingDown }) { afterShutdownReply() }
    }

    public func handle(_ request: TTRPCRequest) async throws -> [UInt8] {
        guard request.service == Self.serviceName else {
            throw TTRPCError(.unimplemented, "service \(request.service) is not implemented")
        }
        logger.debugLog("rpc \(request.method)")
        MemoryTrimmer.shared.noteActivity()
        defer { MemoryTrimmer.shared.noteActivity() }
        do {
            return try await dispatch(request.method, request.payload)
        } catch let e as ShimError {
            logger.debugLog("rpc \(request.method) failed: \(e)")
            throw e.status
        } catch let e as TTRPCError {
            throw e
        } catch let e as SwiftProtobuf.BinaryDecodingError {
            throw TTRPCError(.invalidArgument, "\(request.method): cannot decode request: \(e)")
        }
    }

    private func dispatch(_ method: String, _ payload: [UInt8]) async throws -> [UInt8] {
        switch method {
        case "Create": return try await call(payload, create)
        case "Start": return try await call(payload, start)
        case "Delete": return try await call(payload, delete)
        case "Wait": return try await call(payload, wait)
        case "State": return try await call(payload, state)
        case "Exec": return try await call(payload, exec)
        case "Kill": return try await call(payload, kill)
        case "Pids": return try await call(payload, pids)
        case "Pause": return try await call(payload, pause)
        case "Resume": return try await call(payload, resume)
        case "ResizePty": return try await call(payload, resizePty)
        case "CloseIO": return try await call(payload, closeIO)
        case "Update": return try await call(payload, update)
        case "Stats": return try await call(payload, stats)
        case "Connect": return try await call(payload, connect)
        case "Shutdown": return try await call(payload, shutdown)
        case "Checkpoint":
            throw ShimError.unimplemented("checkpoint is not supported by the rune shim")
        default:
            throw TTRPCError(.unimplemented, "method \(Self.serviceName)/\(method) is not implemented")
        }
    }

    private func call<Req: SwiftProtobuf.Message, Resp: SwiftProtobuf.Message>(
        _ payload: [UInt8], _ body: (Req) async throws -> Resp
    ) async throws -> [UInt8] {
        let request = try Req(serializedBytes: payload)
        return try await body(request).serializedBytes()
    }

    // MARK: lookup

    func container(_ id: String) throws -> ShimContainer {
        try lock.withLock {
            guard let c = containers[id] else { throw ShimError.notFound("container \(id) not found") }
            return c
        }
    }

    func process(_ id: String, _ execID: String) throws -> (ShimContainer, ShimProcess) {
        let c = try container(id)
        if execID.isEmpty { return (c, c.initProcess) }
        return try lock.withLock {
            guard let p = c.execs[execID] else { throw ShimError.notFound("process \(execID) not found in container \(id)") }
            return (c, p)
        }
    }

    // MARK: exits

    /// From the reaper: a container process ended.
    func processExited(_ p: ShimProcess, status: Int32) {
        let hold: Bool = lock.withLock {
            if p.starting {
                p.heldExit = status
                return true
            }
            return false
        }
        if !hold { finishExit(p, status: status) }
    }

    func finishExit(_ p: ShimProcess, status: Int32) {
        let waiters: [CheckedContinuation<Void, Never>] = lock.withLock {
            p.status = .stopped
            p.exitStatus = UInt32(status)
            p.exitedAt = timestampNow()
            defer { p.waiters = [] }
            return p.waiters
        }
        var e = Containerd_Events_TaskExit()
        e.containerID = p.containerID
        e.id = p.id
        e.pid = UInt32(p.pid)
        e.exitStatus = UInt32(status)
        e.exitedAt = p.exitedAt!
        events.publish("/tasks/exit", e)
        logger.debugLog("process \(p.id) pid \(p.pid) exited with \(status)")
        for w in waiters { w.resume() }
        if p.isInit { killRemainingProcesses(of: p.containerID) }
    }

    /// Without a private pid namespace, processes the init left behind would outlive the task.
    private func killRemainingProcesses(of id: String) {
        guard let c = lock.withLock({ containers[id] }), c.killAllOnInitExit else { return }
        Task {
            do {
                try await c.runtime.kill(id: id, signal: UInt32(SIGKILL), all: true)
            } catch {
                // Not every runtime kills a stopped container's leftovers: do it from its cgroup.
                logger.debugLog("kill --all after init exit: \(error); killing from \(c.cgroupProcs ?? "no cgroup")")
                guard let procs = c.cgroupProcs, let text = try? Sys.readText(procs) else { return }
                for line in text.split(separator: "\n") { if let pid = Int32(line) { Glibc.kill(pid, SIGKILL) } }
            }
        }
    }

    /// Runs Start's body with exits held back, then publishes any exit that arrived meanwhile.
    func withExitsHeld<T>(_ p: ShimProcess, _ body: () async throws -> T) async throws -> T {
        lock.withLock { p.starting = true }
        func release() {
            let held: Int32? = lock.withLock {
                p.starting = false
                defer { p.heldExit = nil }
                return p.heldExit
            }
            if let held { finishExit(p, status: held) }
        }
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }
}
