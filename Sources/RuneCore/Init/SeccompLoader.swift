import CRuneLinux
import Glibc
import OCISpec
import RuneSecurity

/// Seccomp in two halves: the host compiles the profile (cached by profile under the state root),
/// the init loads the ready program.
enum SeccompLoader {
    /// Host side: validates and compiles `linux.seccomp` into the init config. Bad profiles fail here.
    static func compile(into config: inout InitConfig) throws(RuneError) {
        guard let seccomp = config.spec.linux?.seccomp, ProcessSecurity.isSeccompEnabled(seccomp) else { return }
        do {
            let bpf = try ProcessSecurity.compileSeccomp(seccomp, cacheDir: config.seccompCacheDir)
            config.seccompFlags = try ProcessSecurity.seccompFlags(seccomp)
            config.seccompProgram = Hex.encode(bpf)
        } catch { throw RuneError(.invalidArgument, "\(error)") }
    }

    /// A profile with SCMP_ACT_NOTIFY has a listener fd to hand to the host, which needs the init socket:
    /// such profiles load before `ready` even with no_new_privs.
    static func hasListener(_ config: InitConfig) -> Bool {
        config.seccompFlags & UInt32(RUNE_SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0
    }

    /// Init side: loads the program compiled on the host; a notify listener fd goes to the host, which
    /// passes it on to `listenerPath`, and the init waits until that is done (as runc does).
    static func load(_ config: InitConfig, channel: InitChannel?) throws {
        guard let hex = config.seccompProgram, let bpf = Hex.decode(hex) else { return }
        guard let listener = try ProcessSecurity.loadCompiled(bpf, flags: config.seccompFlags) else { return }
        defer { close(listener) }
        guard let channel else { throw RuneError(.failed, "linux.seccomp: no way to hand the listener fd to the host") }
        try channel.send(.seccompFd)
        try channel.send(.seccompFd, fd: listener)
        guard let reply = try channel.receive(), reply.type == InitMessage.seccompDone.rawValue else {
            throw RuneError(.failed, "linux.seccomp: the host did not take the listener fd")
        }
    }

    /// Host side: sends the listener fd and the container state to `linux.seccomp.listenerPath`.
    static func forward(_ fd: Int32, spec: Spec, id: String, pid: Int32, bundle: String) throws(RuneError) {
        guard let path = spec.linux?.seccomp?.listenerPath else { return }
        let state = State(ociVersion: spec.ociVersion, id: id, status: "creating", pid: Int(pid), bundle: bundle,
                          annotations: spec.annotations)
        let message = ContainerProcessState(pid: Int(pid), metadata: spec.linux?.seccomp?.listenerMetadata, state: state)
        do {
            try ProcessSecurity.sendSeccompListener(fd, listenerPath: path, state: message)
        } catch { throw RuneError(.failed, "linux.seccomp.listenerPath \(path): \(error)") }
    }
}

