import OCISpec
import RuneSecurity
import Testing

/// A classic-BPF interpreter for the instructions seccomp programs use, to check the compiled program's decisions
/// (including the -ENOSYS stub and foreign architectures) without loading it.
struct SeccompInterpreter {
    let program: [(code: UInt16, jt: UInt8, jf: UInt8, k: UInt32)]

    init(_ bytes: [UInt8]) {
        var program: [(code: UInt16, jt: UInt8, jf: UInt8, k: UInt32)] = []
        for i in stride(from: 0, to: bytes.count, by: 8) {
            let code = UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
            var k: UInt32 = 0
            for byte in bytes[(i + 4)..<(i + 8)].reversed() { k = k << 8 | UInt32(byte) }
            program.append((code, bytes[i + 2], bytes[i + 3], k))
        }
        self.program = program
    }

    /// The filter's return value for a syscall (seccomp_data: nr, arch, instruction pointer, six 64-bit args).
    func run(nr: UInt32, arch: UInt32, args: [UInt64] = []) -> UInt32? {
        var data = [nr, arch, 0, 0]
        for i in 0..<6 {
            let arg = i < args.count ? args[i] : 0
            data += [UInt32(truncatingIfNeeded: arg), UInt32(truncatingIfNeeded: arg >> 32)]
        }
        var a: UInt32 = 0, x: UInt32 = 0, memory = [UInt32](repeating: 0, count: 16), pc = 0
        while pc < program.count {
            let (code, jt, jf, k) = program[pc]
            pc += 1
            switch code {
            case 0x20: a = data[Int(k) / 4]                      // ld [k]
            case 0x00: a = k                                     // ld #k
            case 0x01: x = k                                     // ldx #k
            case 0x60: a = memory[Int(k)]                        // ld M[k]
            case 0x61: x = memory[Int(k)]                        // ldx M[k]
            case 0x02: memory[Int(k)] = a                        // st M[k]
            case 0x03: memory[Int(k)] = x                        // stx M[k]
            case 0x54: a &= k                                    // and #k
            case 0x87: a = x                                     // txa
            case 0x07: x = a                                     // tax
            case 0x05: pc += Int(k)                              // ja
            case 0x15: pc += a == k ? Int(jt) : Int(jf)          // jeq #k
            case 0x25: pc += a > k ? Int(jt) : Int(jf)           // jgt #k
            case 0x35: pc += a >= k ? Int(jt) : Int(jf)          // jge #k
            case 0x45: pc += a & k != 0 ? Int(jt) : Int(jf)      // jset #k
            case 0x06: return k                                  // ret #k
            default: return nil                                  // unknown instruction: fail the test
            }
        }
        return nil
    }
}

@Suite struct SeccompProgramTests {
    static let x86_64: UInt32 = 0xc000_003e, i386: UInt32 = 0x4000_0003, aarch64: UInt32 = 0xc000_00b7
    static let allow: UInt32 = 0x7fff_0000, eperm: UInt32 = 0x0005_0001, enosys: UInt32 = 0x0005_0026

    @Test func dockerProfileDecisionsIncludingOtherArchitecturesAndNewSyscalls() throws {
        let filter = SeccompInterpreter(try ProcessSecurity.compileSeccomp(try Profiles.docker()))
        #expect(filter.run(nr: 39, arch: Self.x86_64) == Self.allow)                      // getpid
        #expect(filter.run(nr: 166, arch: Self.x86_64) == Self.eperm)                     // umount2: not listed
        #expect(filter.run(nr: 435, arch: Self.x86_64) == Self.enosys)                    // clone3: errnoRet 38
        #expect(filter.run(nr: 1000, arch: Self.x86_64) == Self.enosys)                   // newer than the profile
        #expect(filter.run(nr: 41, arch: Self.x86_64, args: [40]) == Self.eperm)          // socket(AF_VSOCK)
        #expect(filter.run(nr: 41, arch: Self.x86_64, args: [1]) == Self.allow)           // socket(AF_UNIX)
        #expect(filter.run(nr: 135, arch: Self.x86_64, args: [8]) == Self.allow)          // personality(listed)
        #expect(filter.run(nr: 135, arch: Self.x86_64, args: [0x40000]) == Self.eperm)    // personality(other)
        #expect(filter.run(nr: 56, arch: Self.x86_64, args: [0x10000000]) == Self.eperm)  // clone(CLONE_NEWUSER)
        #expect(filter.run(nr: 56, arch: Self.x86_64, args: [0x11]) == Self.allow)        // clone(SIGCHLD-ish flags)
        #expect(filter.run(nr: 0x4000_0000, arch: Self.x86_64) == Self.allow)             // x32 read
        #expect(filter.run(nr: 0x4000_0000 + 1000, arch: Self.x86_64) == Self.enosys)     // x32, newer
        #expect(filter.run(nr: 20, arch: Self.i386) == Self.allow)                        // i386 getpid
        #expect(filter.run(nr: 2000, arch: Self.i386) == Self.enosys)                     // i386, newer
        #expect(filter.run(nr: 0, arch: Self.aarch64) == 0)                               // foreign arch: killed
    }

    /// Without listed architectures runc adds no stub, so a new syscall gets the default errno, as in runc.
    @Test func noStubWithoutArchitecturesOrWithAnAllowDefault() throws {
        var docker = try Profiles.docker()
        docker.architectures = nil
        #expect(SeccompInterpreter(try ProcessSecurity.compileSeccomp(docker)).run(nr: 1000, arch: Self.x86_64) == Self.eperm)
        let allowAll = LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"],
                                    syscalls: [LinuxSyscall(names: ["umount2"], action: "SCMP_ACT_ERRNO")])
        let filter = SeccompInterpreter(try ProcessSecurity.compileSeccomp(allowAll))
        #expect(filter.run(nr: 1000, arch: Self.x86_64) == Self.allow)
        #expect(filter.run(nr: 166, arch: Self.x86_64) == Self.eperm)
    }
}
