import CRuneLinux
import Glibc
import OCISpec
import RuneSecurity
import RuneSystem

/// The user program of a container or exec process: who it runs as, with what, and the last steps
/// before execve, in runc's order (rlimits, no_new_privs, seccomp, capabilities and user, cwd).
public struct ExecProgram {
    public let process: Process
    public let user: ResolvedUser
    public let caps: CapabilitySets
    public let environment: [String]
    public let path: String
    let config: InitConfig
    let preserveFds: Int

    init(_ config: InitConfig, verbatimIfMissing: Bool = false) throws {
        process = config.process
        do {
            user = try ProcessSecurity.resolveUser(process.user)
            caps = try CapabilitySets(process.capabilities)
        } catch { throw RuneError(.invalidArgument, "\(error)") }
        var env = process.env ?? []
        if !env.contains(where: { $0.hasBytePrefix("HOME=") }) { env.append("HOME=" + user.home) }
        environment = env
        self.config = config
        preserveFds = config.preserveFds
        guard let name = process.args?.first, !name.isEmpty else {
            throw RuneError(.invalidArgument, "config.json: process.args: must not be empty")
        }
        if verbatimIfMissing {
            // An enclave payload may live only inside the enclave runtime: pass argv[0] through (reference behaviour).
            path = (try? Self.lookPath(name, env: env)) ?? name
        } else {
            path = try Self.lookPath(name, env: env)
        }
    }

    /// PATH lookup as Go's exec.LookPath does it with the container's environment.
    public static func lookPath(_ name: String, env: [String]) throws(RuneError) -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else {
                throw RuneError(.notFound, "unable to start container process: exec: \"\(name)\": stat \(name): \(String(cString: strerror(errno)))")
            }
            return name
        }
        let pathVar = env.last { $0.hasBytePrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? ""
        for dir in pathVar.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (dir.isEmpty ? "." : String(dir)) + "/" + name
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR, access(candidate, X_OK) == 0 { return candidate }
        }
        throw RuneError(.notFound, "unable to start container process: exec: \"\(name)\": executable file not found in $PATH")
    }

    /// Everything that must happen while still privileged and before the start signal.
    public func prepareBeforeStart(channel: InitChannel? = nil) throws {
        do {
            try ProcessSecurity.applyRlimits(process.rlimits)
            if process.noNewPrivileges == true { try ProcessSecurity.setNoNewPrivileges() }
            if process.noNewPrivileges != true || SeccompLoader.hasListener(config) { try SeccompLoader.load(config, channel: channel) }
            _ = rune_close_range_cloexec(UInt32(3 + preserveFds))
            try ProcessSecurity.prepareCapabilities(caps)
            try ProcessSecurity.switchUser(user)
            try ProcessSecurity.finishCapabilities(caps)
        } catch let e as RuneError { throw e } catch { throw RuneError(.failed, "unable to start container process: \(error)") }
        umask(mode_t(user.umask ?? 0o022))
        let cwd = process.cwd.isEmpty ? "/" : process.cwd
        do { try Syscall.check("chdir", cwd) { chdir(cwd) } } catch {
            throw RuneError(.failed, "unable to start container process: chdir to cwd (\"\(cwd)\") set in config.json failed: \(String(cString: strerror(error.errno)))")
        }
        try Self.checkCwdInsideRoot()
    }

    /// A leaked host directory fd would let cwd point outside the container (the CVE-2024-21626 class):
    /// the kernel then reports the cwd as unreachable, and we refuse to run.
    static func checkCwdInsideRoot() throws(RuneError) {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil, buf[0] == 0x2F /* "/" */ else {
            throw RuneError(.failed, "unable to start container process: current working directory is outside of container mount namespace root")
        }
    }

    /// After the start signal: late seccomp (with no_new_privs it can be loaded unprivileged, last), hooks, exec.
    func runStartHooks(_ startHooks: [Hook]?, config: InitConfig) throws {
        guard let startHooks, !startHooks.isEmpty else { return }
        try HookRunner.run(startHooks, kind: "startContainer",
                           state: State(ociVersion: config.spec.ociVersion, id: config.id, status: "running",
                                        pid: Int(config.hostPid), bundle: config.bundle, annotations: config.spec.annotations))
    }

    func finishAndExec(config: InitConfig) throws -> Never {
        if process.noNewPrivileges == true && !SeccompLoader.hasListener(config) { try SeccompLoader.load(config, channel: nil) }
        let argv = (process.args ?? []).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        execve(path, argv, envp)
        throw RuneError(.failed, "unable to start container process: exec \(path): \(String(cString: strerror(errno)))")
    }
}
