// pal_exec's body: instantiate the measured module for one process and run `_start` to completion.
import EnclaveEvidence
import WasmKit
import WasmKitWASI
#if canImport(Glibc)
import Glibc
#endif

enum Runner {
    /// Exit value for a guest trap (unreachable, out-of-bounds...): like a native SIGABRT death.
    static let trapExitValue: Int32 = 128 + SIGABRT

    /// Runs the process; returns its exit value (0...255, or 128+signo when killed).
    static func run(_ process: EnclaveProcess, in enclave: LaunchedEnclave) throws -> Int32 {
        let module: Module
        do { module = try parseWasm(bytes: enclave.module) } catch {
            throw PALError(ENOEXEC, "module \(enclave.config.modulePath): \(error)")
        }
        let store = Store(engine: Engine(configuration: EngineConfiguration(fuelMetering: true)))
        store.fuel = Fuel(remaining: .max)
        defer { process.finish() }
        guard process.attach(store) else { return 128 + (process.pendingSignal ?? SIGKILL) }
        let wasi: WASIBridgeToHost
        do {
            wasi = try WASIBridgeToHost(
                args: process.argv, environment: process.environment,
                preopens: enclave.config.preopens.map { .init(guestPath: $0.guestPath, hostPath: $0.hostPath) },
                stdin: process.stdio.0, stdout: process.stdio.1, stderr: process.stdio.2)
        } catch {
            throw PALError(EIO, "WASI setup for pid \(process.id): \(error)")
        }
        return try wasi.runAndClose { wasi in
            var imports = Imports()
            wasi.link(to: &imports, store: store)
            InterruptibleSleep(process: process).link(to: &imports, store: store, wasi: wasi)
            EnclaveHostModule(enclave: enclave).link(to: &imports, store: store)
            return try execute(module, store: store, imports: imports, wasi: wasi, process: process)
        }
    }

    private static func execute(_ module: Module, store: Store, imports: Imports, wasi: WASIBridgeToHost,
                                process: EnclaveProcess) throws -> Int32 {
        let instance: Instance
        do { instance = try module.instantiate(store: store, imports: imports) } catch {
            if let signal = process.pendingSignal { return 128 + signal }
            throw PALError(ENOEXEC, "instantiate pid \(process.id): \(error)")
        }
        do {
            let code = try wasi.start(instance)
            // A kill that raced with the guest's own exit still wins, as a signal delivered before exit would.
            if let signal = process.pendingSignal { return 128 + signal }
            return Int32(code & 0xff)
        } catch {
            // A kill shows up as an out-of-fuel trap; report it as the signal death it stands for.
            if let signal = process.pendingSignal { return 128 + signal }
            report("pal-wasm: pid \(process.id): \(error)\n", fd: process.stdio.2)
            return trapExitValue
        }
    }

    /// Tells the guest's own stderr why it died, as a shell would show a crash.
    static func report(_ message: String, fd: Int32) {
        let bytes = Array(message.utf8)
        bytes.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
    }
}
