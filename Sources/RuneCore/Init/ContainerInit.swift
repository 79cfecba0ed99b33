import CRuneLinux
import Glibc
import OCISpec
import RuneSecurity
import RuneSystem

/// The container process after nsexec.c: it is already in its namespaces (PID 1 for create) and
/// single-threaded. It finishes the setup the config asks for and execs the user's program.
public enum ContainerInit {
    /// Set by RuneEnclave: runs an enclave container's init-runelet instead of exec.
    nonisolated(unsafe) public static var enclaveMain: ((InitConfig, InitChannel, ExecProgram) -> Never)?
    /// Set by RuneEnclave: loads the PAL while the host's filesystem is still visible (before pivot_root).
    nonisolated(unsafe) public static var enclavePreload: ((InitConfig) throws -> Void)?

    public static func main() -> Never {
        let channel = InitChannel(fd: rune_nsexec_get_pipe())
        do {
            guard let frame = try channel.receive(), frame.type == InitMessage.config.rawValue else {
                throw RuneError(.failed, "container init: no configuration received")
            }
            var config = try JSON.decoder.decodeBytes(InitConfig.self, from: frame.payload)
            // create sends the config before nsexec has forked us: nsexec knows our pid as rune sees it.
            if config.kind == .create { config.hostPid = rune_nsexec_get_host_pid() }
            switch config.kind {
            case .create: try initContainer(config, channel)
            case .exec: try initExec(config, channel)
            }
        } catch {
            try? channel.send(.error, "\(error)")
        }
        _exit(1)
    }

    static func initContainer(_ config: InitConfig, _ channel: InitChannel) throws {
        let host = HostReadiness(config: config, channel: channel)
        if config.enclave != nil, let preload = enclavePreload {
            try host.wait()
            try preload(config)
        }
        let builder = RootfsBuilder(config: config, host: host)
        if config.spec.linux?.namespaces?.contains(where: { $0.type == "mount" }) ?? false {
            let needsHooks = !(config.spec.hooks?.prestart ?? []).isEmpty || !(config.spec.hooks?.createRuntime ?? []).isEmpty
            try builder.prepare { () throws(RuneError) in
                guard needsHooks else { return }
                do {
                    try channel.send(.runHooks)
                    guard let reply = try channel.receive(), reply.type == InitMessage.hooksDone.rawValue else {
                        throw RuneError(.failed, "hooks were not run")
                    }
                } catch let e as RuneError { throw e } catch { throw RuneError(.failed, "\(error)") }
            }
            try builder.finish()
            // runc creates a missing cwd inside the container.
            try? FileSystem.makeDirectories(config.process.cwd.isEmpty ? "/" : config.process.cwd)
        }
        try host.wait()
        if let fd = config.consoleFd {
            let size = config.process.consoleSize.map { (UInt16($0.height), UInt16($0.width)) }
            try Console.setup(socketFd: fd, mountConsole: true, size: size)
            close(fd)
        }
        try Protections.apply(config.spec)
        let program = try ExecProgram(config, verbatimIfMissing: config.enclave != nil)
        if let enclaveMain = enclaveMain, config.enclave != nil { enclaveMain(config, channel, program) }
        try program.prepareBeforeStart(channel: channel)
        try channel.send(.ready)
        try waitForStart(fifoFd: config.fifoFd) {
            // startContainer hooks run before `rune start` is released, so they always precede poststart.
            try program.runStartHooks(config.spec.hooks?.startContainer, config: config)
        }
        try program.finishAndExec(config: config)
    }

    static func initExec(_ config: InitConfig, _ channel: InitChannel) throws {
        if let fd = config.consoleFd {
            let size = config.process.consoleSize.map { (UInt16($0.height), UInt16($0.width)) }
            try Console.setup(socketFd: fd, mountConsole: false, size: size)
            close(fd)
        }
        let program = try ExecProgram(config)
        try program.prepareBeforeStart(channel: channel)
        try channel.send(.ready)
        try program.finishAndExec(config: config)
    }

    /// Blocks until `rune start` opens the exec fifo for reading, then tells it we are going.
    public static func waitForStart(fifoFd: Int32?, beforeRelease: () throws -> Void = {}) throws {
        guard let fifoFd else { return }
        let path = procFdPath(fifoFd)
        let fd = try Syscall.check("open", "exec fifo") { open(path, O_WRONLY | O_CLOEXEC) }
        close(fifoFd)
        try beforeRelease()
        try FileSystem.writeAll(fd: fd, [0x30], context: "exec fifo")
        close(fd)
    }
}

/// What rune finishes on the host while the container process starts, taken the first time something
/// needs it, in the order rune sends it: the cgroups made (InitConfig.cgroupTasks: `hostCgroups`, upon
/// which this process joins the v1 hierarchies itself and makes its cgroup namespace); the network
/// namespace rune made (InitConfig.networkFromHost: a `hostNetwork` frame with its fd); then `hostReady`,
/// after which the limits (device rules among them) hold. Until then it only mounts what depends on none
/// of them, so rune's work and its own overlap: it joins the cgroups while rune makes the namespace.
final class HostReadiness {
    private let config: InitConfig
    private let channel: InitChannel
    private var joinedNetwork: Bool
    private var joinedCgroups: Bool
    private var ready = false

    init(config: InitConfig, channel: InitChannel) {
        self.config = config
        self.channel = channel
        joinedNetwork = !config.networkFromHost
        joinedCgroups = config.cgroupTasks == nil
    }

    /// In the container's network namespace (sysfs shows the namespace of the process that mounts it).
    /// `hostCgroups` comes first on the socket, so the cgroups are joined first.
    func network() throws(RuneError) {
        try cgroups()
        guard !joinedNetwork else { return }
        joinedNetwork = true
        do {
            guard let got = try channel.receiveFd(), got.type == InitMessage.hostNetwork.rawValue else {
                throw RuneError(.failed, "container init: no network namespace received")
            }
            defer { close(got.fd) }
            try Syscall.check("setns", "network namespace") { rune_setns(got.fd, Int32(RUNE_CLONE_NEWNET)) }
        } catch let error as SyscallError { throw error.rune } catch let error as RuneError { throw error } catch {
            throw RuneError(.failed, "\(error)")
        }
    }

    /// In the container's cgroups, and in its cgroup namespace if it has one (a `cgroup` mount needs both).
    func cgroups() throws(RuneError) {
        guard !joinedCgroups else { return }
        joinedCgroups = true
        let tasks = config.cgroupTasks ?? []
        let got: (type: UInt32, fds: [Int32])?
        do { got = try channel.receiveFds(count: tasks.count) } catch { throw error.rune }
        guard let got, got.type == InitMessage.hostCgroups.rawValue else {
            throw RuneError(.failed, "container init: rune did not make the cgroups")
        }
        let files = got.fds
        defer { for fd in files { close(fd) } }
        do {
            // This process is single-threaded, so "0" in `tasks` moves all of it (and skips the kernel's
            // threadgroup lock, see nsexec.c). rune opened the files (`tasks` order).
            for (fd, path) in zip(files, tasks) { try FileSystem.writeAll(fd: fd, [0x30], context: path) }
            let cgroupNamespace = config.spec.linux?.namespaces?.contains { $0.type == "cgroup" && ($0.path ?? "").isEmpty } ?? false
            if cgroupNamespace { try Syscall.check("unshare", "cgroup namespace") { rune_unshare(Int32(RUNE_CLONE_NEWCGROUP)) } }
        } catch { throw RuneError(.failed, "container init: join cgroups: \(error)") }
    }

    /// Everything rune does on the host is done.
    func wait() throws(RuneError) {
        try network()
        guard !ready else { return }
        ready = true
        try expect(.hostReady, "rune did not write the limits")
    }

    private func expect(_ type: InitMessage, _ problem: String) throws(RuneError) {
        let frame: (type: UInt32, payload: [UInt8])?
        do { frame = try channel.receive() } catch { throw error.rune }
        guard let frame, frame.type == type.rawValue else { throw RuneError(.failed, "container init: " + problem) }
    }
}
