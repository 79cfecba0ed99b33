// The `rune_enclave` import module: what a guest can ask of the (software) TEE.
// All parameters and results are i32; negative results are errors:
//   -1 bad argument (pointer out of bounds, unknown policy, report data > 64 bytes)
//   -2 output buffer too small        -3 unseal failed (wrong enclave identity or corrupted blob)
// report(data_ptr, data_len, out_ptr, out_cap) -> bytes written (248): evidence over the guest's data
// seal_key(policy, out_ptr) -> 0: writes the 32-byte sealing key (policy 1 = MRENCLAVE, 2 = MRSIGNER)
// seal(policy, in_ptr, in_len, out_ptr, out_cap) -> bytes written (in_len + 40)
// unseal(in_ptr, in_len, out_ptr, out_cap) -> plaintext bytes written
import EnclaveEvidence
import WasmKit

struct EnclaveHostModule {
    static let name = "rune_enclave"
    static let badArgument: Int32 = -1, bufferTooSmall: Int32 = -2, unsealFailed: Int32 = -3

    let enclave: LaunchedEnclave

    func link(to imports: inout Imports, store: Store) {
        define(&imports, store, "report", params: 4) { memory, args in
            guard args[1] <= UInt32(Evidence.reportDataSize),
                  let data = memory.read(args[0], args[1]) else { return Self.badArgument }
            guard let evidence = try? Evidence.make(identity: enclave.identity, reportData: data, platform: enclave.platform)
            else { return Self.badArgument }
            return memory.write(evidence.encoded(), to: args[2], capacity: args[3])
        }
        define(&imports, store, "seal_key", params: 2) { memory, args in
            guard let policy = SealPolicy(rawValue: args[0]) else { return Self.badArgument }
            let key = enclave.platform.sealingKey(policy: policy, identity: enclave.identity)
            return memory.write(key, to: args[1], capacity: 32) < 0 ? Self.badArgument : 0
        }
        define(&imports, store, "seal", params: 5) { memory, args in
            guard let policy = SealPolicy(rawValue: args[0]), let plaintext = memory.read(args[1], args[2]) else {
                return Self.badArgument
            }
            let key = enclave.platform.sealingKey(policy: policy, identity: enclave.identity)
            guard let blob = try? Sealing.seal(plaintext, key: key, policy: policy) else { return Self.badArgument }
            return memory.write(blob, to: args[3], capacity: args[4])
        }
        define(&imports, store, "unseal", params: 4) { memory, args in
            guard let blob = memory.read(args[0], args[1]) else { return Self.badArgument }
            guard let policy = Sealing.policy(of: blob) else { return Self.unsealFailed }
            let key = enclave.platform.sealingKey(policy: policy, identity: enclave.identity)
            guard let plaintext = try? Sealing.unseal(blob, key: key) else { return Self.unsealFailed }
            return memory.write(plaintext, to: args[2], capacity: args[3])
        }
    }

    private func define(_ imports: inout Imports, _ store: Store, _ name: String, params: Int,
                        _ body: @escaping (GuestMemory, [UInt32]) -> Int32) {
        let function = Function(store: store, parameters: Array(repeating: .i32, count: params), results: [.i32]) { caller, values in
            guard case .memory(let memory)? = caller.instance?.export("memory") else {
                return [.i32(UInt32(bitPattern: Self.badArgument))]
            }
            let args = values.map { value -> UInt32 in if case .i32(let raw) = value { return raw } else { return 0 } }
            return [.i32(UInt32(bitPattern: body(GuestMemory(memory: memory), args)))]
        }
        imports.define(module: Self.name, name: name, function)
    }
}

/// Bounds-checked access to a guest's linear memory (WasmKit preconditions on overruns).
struct GuestMemory {
    let memory: Memory

    func read(_ pointer: UInt32, _ count: UInt32) -> [UInt8]? {
        guard UInt64(pointer) + UInt64(count) <= UInt64(memory.byteCount) else { return nil }
        guard count > 0 else { return [] }  // a zero-page memory has no base address to touch
        return memory.withUnsafeBufferPointer(offset: UInt(pointer), count: Int(count)) { Array($0) }
    }

    /// Writes `bytes` if they fit in `capacity`; returns the count, or a negative error.
    func write(_ bytes: [UInt8], to pointer: UInt32, capacity: UInt32) -> Int32 {
        guard UInt64(pointer) + UInt64(capacity) <= UInt64(memory.byteCount) else { return EnclaveHostModule.badArgument }
        guard bytes.count <= Int(capacity) else { return EnclaveHostModule.bufferTooSmall }
        guard !bytes.isEmpty else { return 0 }
        memory.withUnsafeMutableBufferPointer(offset: UInt(pointer), count: bytes.count) { buffer in
            buffer.copyBytes(from: bytes)
        }
        return Int32(bytes.count)
    }
}
