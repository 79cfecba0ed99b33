import CRuneLinux
import Glibc
import OCISpec
import RuneCore
import RuneSystem

/// The enclave container's PID 1: it never execs. It loads the PAL before pivot_root, calls pal_init
/// before `create` returns, serves the agent socket, and on start runs the payload inside the enclave.
enum InitRunelet {
    nonisolated(unsafe) static var pal: PAL?

    static func preload(_ config: InitConfig) throws {
        guard let enclave = config.enclave else { return }
        if enclave.type == "sim" { try SimPlatform.exportSeed() }
        CrashGuard.install(palPath: enclave.runtimePath, channelFd: rune_nsexec_get_pipe())
        pal = try PAL(path: enclave.runtimePath)
        _ = rune_set_name("init-runelet")
    }

    static func main(_ config: InitConfig, _ channel: InitChannel, _ program: ExecProgram) -> Never {
        guard let pal, let enclave = config.enclave else {
            try? channel.send(.error, "init-runelet: the enclave runtime was not loaded")
            _exit(1)
        }
        let runelet = Runelet(pal: pal)
        do {
            try program.prepareBeforeStart()
            try pal.initialize(args: enclave.runtimeArgs, logLevel: enclave.logLevel)
        } catch {
            try? channel.send(.error, "\(error)")
            _exit(1)
        }
        runelet.initialized = true
        // Signals are blocked before the first thread exists so that only the signal thread receives them.
        SignalRelay.blockForwarded()
        if let agentFd = config.agentFd { AgentServer(listenFd: agentFd, runelet: runelet).start() }
        SignalRelay.start(runelet: runelet)
        do {
            try channel.send(.ready)
            CrashGuard.channelFd = -1
            close(channel.fd)
            try ContainerInit.waitForStart(fifoFd: config.fifoFd)
        } catch {
            runelet.finish(exitCode: 1)
        }
        let status: Int32
        do {
            status = try pal.run(path: program.path, argv: program.process.args ?? [], env: program.environment,
                                 stdio: (0, 1, 2)) { pid in runelet.initPalPid = pid }
        } catch {
            Log.error("\(error)")
            runelet.finish(exitCode: 1)
        }
        runelet.finish(exitCode: status)
    }
}

/// Shared state of the init-runelet's threads; `finish` runs pal_destroy exactly once and exits.
final class Runelet: @unchecked Sendable {
    let pal: PAL
    var initialized = false
    var initPalPid: Int32 = -1
    private var finishing = pthread_mutex_t()

    init(pal: PAL) {
        self.pal = pal
        pthread_mutex_init(&finishing, nil)
    }

    /// Runs `body` with `finish` held off: a kill whose signal ends the payload must still get its reply
    /// out before the process exits.
    func holdingOffFinish<E: Error>(_ body: () throws(E) -> Void) throws(E) {
        pthread_mutex_lock(&finishing)
        defer { pthread_mutex_unlock(&finishing) }
        try body()
    }

    /// The first caller destroys the instance and exits; the lock is never released, so a second
    /// caller (the payload ending while `delete` stops the container) waits until the process is gone.
    func finish(exitCode: Int32) -> Never {
        pthread_mutex_lock(&finishing)
        if initialized { pal.destroy() }
        fflush(nil)
        // _exit, not exit: other threads may still be inside the PAL, whose destructors must not run under them.
        _exit(exitCode)
    }
}
