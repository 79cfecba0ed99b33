// wasm-bench: runs a WASI module in-process with WasmKit exactly as the PAL configures it, with or
// without fuel metering, to price the kill mechanism.
// usage: wasm-bench [--no-fuel] MODULE [ARGS...]; BENCH_THREAD=1 runs it on a second thread (as the PAL does).
// Prints "parse X ms, instantiate Y ms, run Z ms" to stderr; exits with the guest's exit code.
import WasmKit
import WasmKitWASI
#if canImport(Glibc)
import Glibc
#endif

enum Bench {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
    }

    static func run() {
        let fuel = CommandLine.arguments.dropFirst().first != "--no-fuel"
        let arguments = Array(CommandLine.arguments.dropFirst(fuel ? 1 : 2))
        guard let path = arguments.first else {
            print("usage: wasm-bench [--no-fuel] MODULE [ARGS...]")
            exit(2)
        }
        do {
            var start = now()
            let module = try parseWasm(filePath: path)
            let parse = now() - start
            let store = Store(engine: Engine(configuration: EngineConfiguration(fuelMetering: fuel)))
            if fuel { store.fuel = Fuel(remaining: .max) }
            let wasi = try WASIBridgeToHost(args: arguments, environment: [:], preopens: [], stdin: 0, stdout: 1, stderr: 2)
            let code = try wasi.runAndClose { wasi -> UInt32 in
                var imports = Imports()
                wasi.link(to: &imports, store: store)
                start = now()
                let instance = try module.instantiate(store: store, imports: imports)
                let instantiate = now() - start
                start = now()
                let code = try wasi.start(instance)
                let line = "parse \(parse) ms, instantiate \(instantiate) ms, run \(now() - start) ms, fuel \(fuel)\n"
                _ = line.withCString { write(2, $0, strlen($0)) }
                return code
            }
            exit(Int32(code & 0xff))
        } catch {
            print("wasm-bench: \(error)")
            exit(1)
        }
    }

    static func runOnThread() {
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in Bench.run(); return nil }, nil)
        pthread_join(thread, nil)
    }
}

if getenv("BENCH_THREAD") != nil { Bench.runOnThread() } else { Bench.run() }
