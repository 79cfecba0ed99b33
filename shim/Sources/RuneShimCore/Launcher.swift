import CShimLinux
import Glibc
import ShimProto
import SwiftProtobuf

/// The `start` subcommand: find or create the (grouped) shim socket, spawn the serving process, print the address.
public enum StartCommand {
    public static let socketDir = "/run/containerd/s"

    public static func run(_ flags: ShimFlags) throws -> String {
        _ = Sys.readAll(0)  // runtime options Any, or nothing; Create receives the same options
        let group = groupKey(id: flags.id)
        let path = socketDir + "/" + SHA256.hex("\(flags.address)/\(flags.namespace)/\(group)")
        let address = "unix://" + path
        guard path.utf8.count < 106 else { throw ShimError.invalidArgument("socket path \(path) is too long") }
        if canConnect(path) {
            try Sys.writeFile("address", address)  // another container of the same group: share its shim
            return address
        }
        unlink(path)
        try Sys.mkdirAll(socketDir, mode: 0o711)
        let listener = try listen(path)
        defer { close(listener) }
        try Sys.writeFile("address", address)
        var args = [Sys.selfExecutable(), "-namespace", flags.namespace, "-id", flags.id, "-address", flags.address,
                    "-socket", address]
        if flags.debug { args.append("-debug") }
        do {
            _ = try spawnProcess(args[0], args, fds: [-1, -1, -1, listener], newProcessGroup: true, cwd: Sys.cwd())
        } catch {
            unlink(path)
            throw error
        }
        return address
    }

    /// The group key from config.json annotations: one shim serves a whole pod.
    static func groupKey(id: String) -> String {
        guard let bytes = try? Sys.readFile("config.json"), let spec = try? JSON.parse(bytes),
              let annotations = spec["annotations"] else { return id }
        for key in ["io.containerd.runc.v2.group", "io.kubernetes.cri.sandbox-id"] {
            if let v = annotations[key]?.string, !v.isEmpty { return v }
        }
        return id
    }

    static func canConnect(_ path: String) -> Bool {
        let client = TTRPCProbe(path: path)
        return client.probe()
    }

    static func listen(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ShimError.failed("socket: \(Sys.errnoText())") }
        let oldMask = umask(0o177)  // socket mode 0600
        let bound = bindUnix(fd, path)
        umask(oldMask)
        guard bound, Glibc.listen(fd, 128) == 0 else {
            let msg = Sys.errnoText()
            close(fd)
            throw ShimError.failed("listen on \(path): \(msg)")
        }
        return fd
    }
}

struct TTRPCProbe {
    let path: String

    func probe() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }
}

/// The `delete` subcommand: containerd's cleanup after a connection closed, a failed Create, or a dead shim.
/// Idempotent; prints a binary DeleteResponse on stdout and nothing else.
public enum DeleteCommand {
    public static func run(_ flags: ShimFlags) -> [UInt8] {
        let bundle = flags.bundle.isEmpty ? Sys.cwd() : flags.bundle
        var warnings: [String] = []
        let settings = RuntimeSettings.load(bundle: bundle)
            ?? (try? RuntimeSettings.resolve(options: nil, config: (try? ShimConfig.load(path: ShimConfig.defaultPath)) ?? ShimConfig()))
        if let settings {
            let client = settings.client(namespace: flags.namespace, bundle: bundle)
            do {
                _ = try runSync(client.binary, Array(client.globalArgs.dropFirst()) + ["delete", "--force", flags.id], step: "delete")
            } catch {
                warnings.append("\(error)")
            }
        }
        RootfsMounts.unmountAll(bundle + "/rootfs")
        removeDeadSocket(bundle: bundle)
        for w in warnings { fputs("warning: \(w)\n", stderr) }
        var resp = Containerd_Task_V2_DeleteResponse()
        if let text = try? Sys.readText(bundle + "/init.pid"), let pid = UInt32(text.trimmingSpaces()) { resp.pid = pid }
        resp.exitStatus = 128 + UInt32(SIGKILL)
        resp.exitedAt = timestampNow()
        return (try? resp.serializedBytes()) ?? []
    }

    /// A shim that died (kill -9, OOM) leaves its socket behind; a live one may still serve other
    /// containers of the pod, so only a socket nobody answers on is removed.
    static func removeDeadSocket(bundle: String) {
        guard let address = try? Sys.readText(bundle + "/address") else { return }
        let path = address.trimmingSpaces().hasPrefix("unix://") ? String(address.trimmingSpaces().dropFirst(7)) : ""
        guard path.hasPrefix(StartCommand.socketDir + "/"), !StartCommand.canConnect(path) else { return }
        unlink(path)
    }
}
