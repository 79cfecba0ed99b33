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
        guard cshim_block_signals() == 0 else { throw ShimError.failed("block signals: \(Sys.errnoText())") }
        _ = cshim_set_subreaper()
        _ = cshim_set_oom_score_adj_plus_one()
        let logger = ShimLogger.openBundleLog(debug: flags.debug)
        let socketPath = flags.socket.hasPrefix("unix://") ? String(flags.socket.dropFirst(7)) : flags.socket
        let events = EventPublisher(address: Sys.env("TTRPC_ADDRESS") ?? (flags.address.isEmpty ? "" : flags.address + ".ttrpc"),
                                    namespace: flags.namespace, logger: logger)
        let exit: @Sendable () -> Void = {
            if !socketPath.isEmpty { unlink(socketPath) }
            events.drain()
            Glibc.exit(0)
        }
        let service = TaskService(namespace: flags.namespace, events: events, logger: logger) {
            // Reply first (the handler returns right after), then leave.
            startThread {
                usleep(50_000)
                exit()
            }
        }
        ReaperThread.started = true
        startThread { signalLoop(onTerminate: exit) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        _ = try TTRPCServer(group: group, handler: service).serve(listeningSocket: listenerFD)
        logger.debugLog("serving \(flags.id) on \(socketPath)")
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
