import CSeccomp
import Glibc
import OCISpec

/// runc 1.1's -ENOSYS stub (libcontainer/seccomp/patchbpf), prepended to the exported program: a syscall numbered
/// above every syscall the profile names for its architecture is newer than the profile, so it gets ENOSYS instead
/// of the default errno. glibc and others fall back to older calls on ENOSYS (clone3 → clone), never on EPERM.
/// Like runc, only the listed architectures get the check, and not for allow/log/trace defaults or an ENOSYS default.
enum SeccompEnosysStub {
    private static let x32SyscallBit: UInt32 = 0x4000_0000
    private static let auditArchX86_64: UInt32 = 0xc000_003e

    /// The stub's bytes, empty when the profile needs none.
    static func bytes(for seccomp: LinuxSeccomp) throws(SecurityError) -> [UInt8] {
        let permissive = ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"].contains(seccomp.defaultAction)
        if permissive || seccomp.defaultErrnoRet == UInt(ENOSYS) { return [] }
        let limits = try highestSyscalls(seccomp)
        if limits.isEmpty { return [] }
        return assemble(limits)
    }

    /// Per audit architecture, the highest syscall number the profile names (x32 shares x86_64's audit arch).
    private struct Limit { var audit: UInt32; var native: UInt32?; var x32: UInt32? }

    private static func highestSyscalls(_ seccomp: LinuxSeccomp) throws(SecurityError) -> [Limit] {
        let names = Set((seccomp.syscalls ?? []).flatMap(\.names))
        var limits: [Limit] = []
        for (index, archName) in (seccomp.architectures ?? []).enumerated() {
            let token = try SeccompNames.architecture(archName, field: "linux.seccomp.architectures[\(index)]")
            // Negative numbers are libseccomp's pseudo-syscalls (socketcall/ipc multiplexing): not in the table.
            let highest = names.map { seccomp_syscall_resolve_name_arch(token, $0) }.filter { $0 >= 0 }.max().map(UInt32.init)
            guard let highest else { continue }
            let isX32 = token == SCMP_ARCH_X32
            let audit = isX32 ? auditArchX86_64 : token
            var limit = limits.first(where: { $0.audit == audit }) ?? Limit(audit: audit)
            if isX32 { limit.x32 = max(limit.x32 ?? 0, highest) } else { limit.native = max(limit.native ?? 0, highest) }
            limits.removeAll { $0.audit == audit }
            limits.append(limit)
        }
        return limits
    }

    private enum Target { case none, next(Int), enosys, original }
    private struct Instruction { var code: UInt16; var jt: Target = .none; var jf: Target = .none; var k: UInt32 = 0 }

    private static let loadArch = Instruction(code: 0x20, k: 4)  // ld [4]: seccomp_data.arch
    private static let loadNumber = Instruction(code: 0x20, k: 0)  // ld [0]: seccomp_data.nr

    /// One block per architecture: if arch matches, load nr and jump to ENOSYS when above the limit, else into the
    /// original program; a non-matching arch skips to the next block. Unknown arches fall through to the original.
    private static func assemble(_ limits: [Limit]) -> [UInt8] {
        var program = [loadArch]
        for limit in limits {
            var block = [loadNumber]
            if limit.audit == auditArchX86_64 {
                let x32Check = above(limit.x32)
                block.append(Instruction(code: 0x45, jt: .next(above(limit.native).count), jf: .next(0), k: x32SyscallBit))  // jset
                block += above(limit.native) + x32Check
            } else {
                block += above(limit.native)
            }
            program.append(Instruction(code: 0x15, jt: .next(0), jf: .next(block.count), k: limit.audit))  // jeq arch
            program += block
        }
        program.append(Instruction(code: 0x05, k: 1))  // ja over the return below, into the original program
        let enosys = program.count
        program.append(Instruction(code: 0x06, k: 0x0005_0000 | UInt32(ENOSYS)))  // ret SECCOMP_RET_ERRNO|ENOSYS
        return encode(program, enosys: enosys, original: enosys + 1)
    }

    /// `jgt limit → ENOSYS, else → original`; without a limit, straight to the original program.
    private static func above(_ limit: UInt32?) -> [Instruction] {
        guard let limit else { return [Instruction(code: 0x15, jt: .original, jf: .original, k: 0)] }
        return [Instruction(code: 0x25, jt: .enosys, jf: .original, k: limit)]
    }

    private static func encode(_ program: [Instruction], enosys: Int, original: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, insn) in program.enumerated() {
            func offset(_ target: Target) -> UInt8 {
                switch target {
                case .none: return 0
                case .next(let skip): return UInt8(skip)
                case .enosys: return UInt8(enosys - index - 1)
                case .original: return UInt8(original - index - 1)
                }
            }
            bytes += [UInt8(insn.code & 0xff), UInt8(insn.code >> 8), offset(insn.jt), offset(insn.jf)]
            bytes += withUnsafeBytes(of: insn.k.littleEndian) { Array($0) }
        }
        return bytes
    }
}
