import CShimLinux
import Glibc
import NIOCore
import NIOPosix
import TTRPC

/// The serving shim: ttrpc on the listener inherited as fd 3, one event-loop thread, a signal thread that
/// owns wait4, and a publisher thread for events.
public enum ServeCommand {
    public static let listenerFD: Int32 = 3

    public static func run(_ flags: ShimFlags) throws -> Never {
        // The serving shim has no stdio; crash reports can be sent to a file for debugging.
        if let path = Sys.env("RUNE_SHIM_STDERR") {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            if fd >= 0 { dup2(fd, 2); close(fd) }
        }
        guard cshim_block_signals() == 0 else { throw ShimError.failed("block signals: \(Sys.errnoText())") }
        _ = cshim_set_subreaper()
        _ = cshim_set_oom_score_adj_plus_one()
        let logger = ShimLogger.openBundleLog(debug: flags.debug)
        let socketPath = flags.socket.hasPrefix("unix://") ? String(flags.socket.dropFirst(7)) : flags.socket
        let events = EventPublisher(address: Sys.env("TTRPC_ADDRESS") ?? (flags.address.isEmpty ? "" : flags.address + ".ttrpc"),
                                    namespace: flags.namespace, logger: logger)
        // Unlinked once, at Shutdown or SIGTERM: later, the path may belong to a new shim for the same id.
        let removeSocket: @Sendable () -> Void = {
            if !socketPath.isEmpty { unlink(socketPath) }
        }
        let exit: @Sendable () -> Void = {
            events.drain()
            _exit(0)  // no atexit work racing the other threads; nothing is buffered
        }
        let service = TaskService(namespace: flags.namespace, events: events, logger: logger,
                                  // Unlink at once, so a `start` for a new container with the same id or group
                                  // cannot pick this dying shim; exit once the Shutdown reply is written.
                                  onShutdown: removeSocket, afterShutdownReply: { startThread(exit) })
        ReaperThread.started = true
        startThread {
            signalLoop {
                removeSocket()
                exit()
            }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        _ = try TTRPCServer(group: group, handler: service).serve(listeningSocket: listenerFD)
        logger.debugLog("serving \(flags.id) on \(socketPath)")
        MemoryTrimmer.shared.noteActivity()
        MemoryTrimmer.shared.start()
        while true { pause() }
    }

    private static func signalLoop(onTerminate: @Sendable () -> Void) {
        while true {
            switch cshim_wait_signal() {
            case SIGCHLD: Reaper.shared.reapAll()
            case SIGTERM, SIGINT: onTerminate()
            default: continue
            }
        }
    }
}
