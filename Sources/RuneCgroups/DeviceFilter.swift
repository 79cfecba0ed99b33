/// The cgroup v2 device controller is an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the
/// cgroup. This builds one from the same allow/deny state the v1 rules produce: each exception is a
/// block that tests type, major, minor and access and returns at once; falling through returns the
/// default. The kernel passes struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
/// with access_type = access << 16 | type.
enum DeviceFilter {
    struct Instruction: Equatable {
        var code: UInt8
        var dst: UInt8 = 0
        var src: UInt8 = 0
        var offset: Int16 = 0
        var imm: Int32 = 0
    }

    // Opcodes (linux/bpf_common.h, linux/bpf.h).
    static let loadWord: UInt8 = 0x61        // BPF_LDX | BPF_MEM | BPF_W
    static let and32Imm: UInt8 = 0x54        // BPF_ALU | BPF_AND | BPF_K
    static let rsh32Imm: UInt8 = 0x74        // BPF_ALU | BPF_RSH | BPF_K
    static let mov64Reg: UInt8 = 0xbf        // BPF_ALU64 | BPF_MOV | BPF_X
    static let mov64Imm: UInt8 = 0xb7        // BPF_ALU64 | BPF_MOV | BPF_K
    static let and64Imm: UInt8 = 0x57        // BPF_ALU64 | BPF_AND | BPF_K
    static let jumpNotEqual: UInt8 = 0x55    // BPF_JMP | BPF_JNE | BPF_K
    static let jumpEqual: UInt8 = 0x15       // BPF_JMP | BPF_JEQ | BPF_K
    static let exit: UInt8 = 0x95            // BPF_JMP | BPF_EXIT

    /// BPF_DEVCG_DEV_BLOCK / _CHAR and BPF_DEVCG_ACC_MKNOD / _READ / _WRITE.
    static func typeBit(_ type: Character) -> Int32 { type == "b" ? 1 : 2 }

    static func accessBits(_ access: DeviceRules.Access) -> Int32 {
        (access.contains(.mknod) ? 1 : 0) | (access.contains(.read) ? 2 : 0) | (access.contains(.write) ? 4 : 0)
    }

    static func program(for state: DeviceRules.State) -> [Instruction] {
        // r2 = device type, r3 = requested access, r4 = major, r5 = minor.
        var program = [
            Instruction(code: loadWord, dst: 2, src: 1, offset: 0),
            Instruction(code: and32Imm, dst: 2, imm: 0xffff),
            Instruction(code: loadWord, dst: 3, src: 1, offset: 0),
            Instruction(code: rsh32Imm, dst: 3, imm: 16),
            Instruction(code: loadWord, dst: 4, src: 1, offset: 4),
            Instruction(code: loadWord, dst: 5, src: 1, offset: 8),
        ]
        for device in state.exceptions.keys.sorted() {
            program += block(device, access: accessBits(state.exceptions[device]!), defaultAllow: state.defaultAllow)
        }
        program.append(Instruction(code: mov64Imm, imm: state.defaultAllow ? 1 : 0))
        program.append(Instruction(code: exit))
        return program
    }

    /// One exception. An allow exception (deny-by-default) matches when every requested access bit is
    /// in the rule, as v1's whitelist; a deny exception matches when any requested bit is, as v1's blacklist.
    private static func block(_ device: DeviceRules.Device, access: Int32, defaultAllow: Bool) -> [Instruction] {
        var tests: [Instruction] = [Instruction(code: jumpNotEqual, dst: 2, imm: typeBit(device.type))]
        if device.major >= 0 { tests.append(Instruction(code: jumpNotEqual, dst: 4, imm: Int32(device.major))) }
        if device.minor >= 0 { tests.append(Instruction(code: jumpNotEqual, dst: 5, imm: Int32(device.minor))) }
        tests.append(Instruction(code: mov64Reg, dst: 1, src: 3))
        if defaultAllow {
            tests.append(Instruction(code: and64Imm, dst: 1, imm: access))
            tests.append(Instruction(code: jumpEqual, dst: 1, imm: 0))
        } else {
            tests.append(Instruction(code: and64Imm, dst: 1, imm: ~access & 7))
            tests.append(Instruction(code: jumpNotEqual, dst: 1, imm: 0))
        }
        let verdict = [Instruction(code: mov64Imm, imm: defaultAllow ? 0 : 1), Instruction(code: exit)]
        let all = tests + verdict
        // Every conditional jump skips to the end of this block.
        return all.enumerated().map { index, instruction in
            var out = instruction
            if out.code == jumpNotEqual || out.code == jumpEqual { out.offset = Int16(all.count - index - 1) }
            return out
        }
    }

    /// struct bpf_insn, little-endian: code, dst_reg:4 | src_reg:4 << 4, s16 off, s32 imm.
    static func encode(_ program: [Instruction]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(program.count * 8)
        for i in program {
            bytes.append(i.code)
            bytes.append((i.dst & 0x0f) | (i.src << 4))
            withUnsafeBytes(of: i.offset.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: i.imm.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
