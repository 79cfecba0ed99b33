// A kill must also end a guest that sleeps. WASI's poll_oneoff blocks in the host for the whole
// timeout, where the fuel check cannot reach it. For the common case (only relative clock
// subscriptions: sleep, nanosleep, usleep) the PAL sleeps in short slices and checks for a kill;
// every other poll goes to WasmKit's own implementation unchanged.
import WasmKit
import WasmKitWASI
#if canImport(Glibc)
import Glibc
#endif

struct InterruptibleSleep {
    static let sliceNanoseconds: UInt64 = 10_000_000
    static let subscriptionSize: UInt32 = 48, eventSize: UInt32 = 32
    static let errnoSuccess: UInt32 = 0, errnoFault: UInt32 = 21

    struct Killed: Error {}

    let process: EnclaveProcess

    /// Replaces the poll_oneoff that `wasi.link` defined, keeping the original as the fallback.
    func link(to imports: inout Imports, store: Store, wasi: WASIBridgeToHost) {
        guard let original = wasi.hostFunctions(capabilities: WASICapability.all)["poll_oneoff"] else { return }
        let function = Function(store: store, type: original.type) { caller, values in
            guard case .memory(let memory)? = caller.instance?.export("memory") else {
                return [.i32(Self.errnoFault)]
            }
            if let result = try sleepIfClockOnly(GuestMemory(memory: memory), values) { return [.i32(result)] }
            return try original.implementation(memory, values)
        }
        imports.define(module: "wasi_snapshot_preview1", name: "poll_oneoff", function)
    }

    /// nil when the poll is not a plain relative sleep (then the original implementation runs).
    /// Throws `Killed` to unwind the guest at once when a kill arrives during the sleep.
    private func sleepIfClockOnly(_ memory: GuestMemory, _ values: [Value]) throws -> UInt32? {
        let args = values.map { value -> UInt32 in if case .i32(let raw) = value { return raw } else { return 0 } }
        guard args.count == 4, args[2] > 0, args[2] <= 64,
              let subscriptions = memory.read(args[0], args[2] * Self.subscriptionSize) else { return nil }
        var timeouts: [(userdata: [UInt8], timeout: UInt64)] = []
        for index in 0..<Int(args[2]) {
            let entry = Array(subscriptions[index * 48..<(index + 1) * 48])
            let isClock = entry[8] == 0, isAbsolute = entry[40] & 1 != 0
            guard isClock, !isAbsolute else { return nil }
            timeouts.append((Array(entry[0..<8]), entry[24..<32].reversed().reduce(0) { $0 << 8 | UInt64($1) }))
        }
        let shortest = timeouts.map(\.timeout).min() ?? 0
        guard sleep(nanoseconds: shortest) else { throw Killed() }
        let due = timeouts.filter { $0.timeout == shortest }
        var events: [UInt8] = []
        for event in due { events += event.userdata + [UInt8](repeating: 0, count: 24) }  // error 0, type clock
        guard memory.write(events, to: args[1], capacity: UInt32(events.count)) >= 0,
              memory.write(withUnsafeBytes(of: UInt32(due.count).littleEndian, Array.init), to: args[3], capacity: 4) >= 0
        else { return Self.errnoFault }
        return Self.errnoSuccess
    }

    /// Sleeps in slices; false as soon as the process has been killed.
    private func sleep(nanoseconds: UInt64) -> Bool {
        var remaining = nanoseconds
        while remaining > 0 {
            if process.pendingSignal != nil { return false }
            let slice = min(remaining, Self.sliceNanoseconds)
            var request = timespec(tv_sec: Int(slice / 1_000_000_000), tv_nsec: Int(slice % 1_000_000_000))
            var left = timespec()
            while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
            remaining -= slice
        }
        return process.pendingSignal == nil
    }
}
