// pal_init: read and measure the module, check the signature structure and the trust policy,
// and load the platform key. Runs after pivot_root, so every path is a container path.
import EnclaveEvidence
#if canImport(Glibc)
import Glibc
#endif

/// Everything fixed at launch: like an SGX enclave, the code cannot change afterwards.
struct LaunchedEnclave: @unchecked Sendable {
    let config: EnclaveConfig
    /// The measured bytes; processes are instantiated from these, never from the file again.
    let module: [UInt8]
    let moduleRealPath: String
    let identity: EnclaveIdentity
    let platform: PlatformKey
}

enum Launch {
    static let platformFdVariable = "RUNE_SIM_PLATFORM_FD"

    static func launch(args: String) throws -> LaunchedEnclave {
        // The seed fd is consumed on every path, success or refusal, so it never lingers in PID 1.
        let platformFd = getenv(platformFdVariable).map { String(cString: $0) }
        defer { if let fd = platformFd.flatMap({ Int32($0) }), fd >= 0 { close(fd) } }
        let config: EnclaveConfig
        do { config = try EnclaveConfig.parse(args) } catch { throw PALError(EINVAL, "\(error)") }
        let module = try readFile(config.modulePath, what: "module")
        let measurement = EnclaveMeasurement(module: module, config: config)
        let identity = try checkSignature(config: config, measurement: measurement)
        try checkPreopens(config.preopens)
        let platform = try loadPlatformKey(platformFd)
        guard let real = realPath(config.modulePath) else { throw PALError(ENOENT, "module \(config.modulePath): not found") }
        return LaunchedEnclave(config: config, module: module, moduleRealPath: real, identity: identity, platform: platform)
    }

    /// The SIGSTRUCT checks, each failing with its own reason. Unsigned runs only in debug mode.
    static func checkSignature(config: EnclaveConfig, measurement: EnclaveMeasurement) throws -> EnclaveIdentity {
        guard let sigPath = config.signaturePath else {
            guard config.debug else {
                throw PALError(EACCES, "module \(config.modulePath) is unsigned: add sig=PATH, or debug to run it as a debug enclave")
            }
            return EnclaveIdentity(measurement: measurement.value, signer: [UInt8](repeating: 0, count: 32),
                                   productId: 0, svn: 0, debug: true)
        }
        let sig: SigStruct
        do { sig = try SigStruct.decode(try readFile(sigPath, what: "signature")) } catch let error as PALError {
            throw error
        } catch {
            throw PALError(EACCES, "bad signature: \(sigPath): \(error)")
        }
        guard sig.verifySignature() else { throw PALError(EPERM, "bad signature: \(sigPath) does not verify with its signer key") }
        guard sig.moduleDigest == measurement.moduleDigest else {
            throw PALError(EACCES, "module measurement mismatch: \(config.modulePath) hashes to \(Hex.encode(measurement.moduleDigest)), "
                           + "signed \(Hex.encode(sig.moduleDigest))")
        }
        guard sig.configDigest == measurement.configDigest else {
            throw PALError(EACCES, "config mismatch: enclave args (preopens/entry) differ from those signed in \(sigPath)")
        }
        if let pinned = config.pinnedSigner, pinned != sig.signer {
            throw PALError(EPERM, "signer not the pinned signer=: \(Hex.encode(sig.signer)) signed \(sigPath)")
        }
        return EnclaveIdentity(measurement: measurement.value, signer: sig.signer, productId: sig.productId,
                               svn: sig.svn, debug: sig.debug || config.debug)
    }

    static func checkPreopens(_ preopens: [Preopen]) throws {
        for preopen in preopens {
            var info = stat()
            guard stat(preopen.hostPath, &info) == 0 else { throw PALError(ENOENT, "preopen \(preopen.hostPath): no such directory") }
            guard info.st_mode & S_IFMT == S_IFDIR else { throw PALError(ENOTDIR, "preopen \(preopen.hostPath): not a directory") }
        }
    }

    /// The seed comes as an fd opened by the init-runelet before pivot_root: the file itself is
    /// never reachable from inside the container. `launch` closes the fd.
    static func loadPlatformKey(_ text: String?) throws -> PlatformKey {
        guard let text else {
            throw PALError(ENODEV, "no platform key: \(platformFdVariable) is not set (rune passes the sim platform seed fd)")
        }
        guard let fd = Int32(text), fd >= 0 else { throw PALError(EINVAL, "\(platformFdVariable)=\(text) is not an fd") }
        do {
            return try PlatformKey(seed: try FileIO.readAll(fd: fd, path: "platform seed fd \(fd)", limit: PlatformKey.seedSize + 1))
        } catch {
            throw PALError(ENODEV, "platform key: \(error)")
        }
    }

    static func readFile(_ path: String, what: String) throws -> [UInt8] {
        do { return try FileIO.read(path) } catch let error as FileError {
            throw PALError(ENOENT, "\(what) \(error)")
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
