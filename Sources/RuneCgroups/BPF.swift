import Glibc
import RuneSystem

/// The bpf(2) calls that attach a device filter to a cgroup2 directory.
///
/// Swift does not import glibc's variadic syscall(3), so it is declared here with a fixed prototype
/// of four integer-class arguments. glibc implements syscall in assembly that only moves registers,
/// and on x86-64 and arm64 Linux these arguments travel in the same registers under the Swift and C
/// conventions. TODO(core): replace with a `rune_bpf` shim in CRuneLinux.
@_silgen_name("syscall")
private func rawSyscall(_ number: Int, _ command: Int, _ attr: UnsafeMutableRawPointer?, _ size: Int) -> Int

enum BPF {
    #if arch(x86_64)
    static let syscallNumber = 321
    #elseif arch(arm64)
    static let syscallNumber = 280
    #endif

    static let progLoad = 5, progAttach = 8, progDetach = 9, progGetFdByID = 13, progQuery = 16
    static let progTypeCgroupDevice: UInt32 = 15
    static let attachCgroupDevice: UInt32 = 6
    static let allowMulti: UInt32 = 2

    /// Loads `program` and attaches it to the cgroup at `dir`, then detaches whatever device
    /// programs were there before, so the new rules replace the old ones without a gap.
    static func attachDeviceFilter(_ program: [UInt8], to dir: String) throws(CgroupError) {
        let dirFd: Int32
        do { dirFd = try Syscall.check("open", dir) { open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } } catch { throw .system(error) }
        defer { close(dirFd) }
        let programFd = try load(program, context: dir)
        defer { close(programFd) }
        let previous = try query(dirFd, context: dir)
        var attach = Attr()
        attach.put(UInt32(dirFd), at: 0)
        attach.put(UInt32(programFd), at: 4)
        attach.put(attachCgroupDevice, at: 8)
        attach.put(allowMulti, at: 12)
        _ = try call(progAttach, &attach, context: "BPF_PROG_ATTACH " + dir)
        for id in previous {
            var byID = Attr()
            byID.put(id, at: 0)
            let oldFd = Int32(try call(progGetFdByID, &byID, context: "BPF_PROG_GET_FD_BY_ID \(id)"))
            defer { close(oldFd) }
            var detach = Attr()
            detach.put(UInt32(dirFd), at: 0)
            detach.put(UInt32(oldFd), at: 4)
            detach.put(attachCgroupDevice, at: 8)
            _ = try call(progDetach, &detach, context: "BPF_PROG_DETACH " + dir)
        }
    }

    /// IDs of the device programs attached to the cgroup itself.
    static func query(_ dirFd: Int32, context: String) throws(CgroupError) -> [UInt32] {
        var ids = [UInt32](repeating: 0, count: 64)
        return try ids.withUnsafeMutableBufferPointer { (buffer) throws(CgroupError) -> [UInt32] in
            var attr = Attr()
            attr.put(UInt32(dirFd), at: 0)
            attr.put(attachCgroupDevice, at: 4)
            attr.put(UInt64(UInt(bitPattern: buffer.baseAddress)), at: 16)
            attr.put(UInt32(buffer.count), at: 24)
            _ = try call(progQuery, &attr, context: "BPF_PROG_QUERY " + context)
            let count = Int(attr.get(at: 24))
            return Array(buffer.prefix(count))
        }
    }

    /// Loads without a verifier log (a full log buffer fails the load with ENOSPC); on failure loads
    /// again with a log so the error can quote the verifier.
    private static func load(_ program: [UInt8], context: String) throws(CgroupError) -> Int32 {
        do {
            return try load(program, context: context, logSize: 0)
        } catch {
            guard case let .system(first) = error else { throw error }
            var verifier = ""
            do { _ = try load(program, context: context, logSize: 1 << 16, log: &verifier) } catch {}
            let detail = verifier.isEmpty ? "" : " (verifier: \(verifier.split(separator: "\n").suffix(3).joined(separator: "; ")))"
            throw .system(SyscallError(name: first.name, errno: first.errno, context: first.context + detail))
        }
    }

    private static func load(_ program: [UInt8], context: String, logSize: Int) throws(CgroupError) -> Int32 {
        var ignored = ""
        return try load(program, context: context, logSize: logSize, log: &ignored)
    }

    private static func load(_ program: [UInt8], context: String, logSize: Int, log text: inout String) throws(CgroupError) -> Int32 {
        // Buffers the kernel reads and writes through pointers in the attr: allocated, not borrowed,
        // so no pointer outlives a withUnsafeBytes closure.
        let insns = copy(program)
        let license = copy(Array("Apache".utf8) + [0])
        let log = copy([UInt8](repeating: 0, count: max(logSize, 1)))
        defer { insns.deallocate(); license.deallocate(); log.deallocate() }
        var attr = Attr()
        attr.put(progTypeCgroupDevice, at: 0)
        attr.put(UInt32(program.count / 8), at: 4)
        attr.put(UInt64(UInt(bitPattern: insns)), at: 8)
        attr.put(UInt64(UInt(bitPattern: license)), at: 16)
        if logSize > 0 {
            attr.put(UInt32(1), at: 24)
            attr.put(UInt32(logSize), at: 28)
            attr.put(UInt64(UInt(bitPattern: log)), at: 32)
        }
        attr.put(attachCgroupDevice, at: 68)
        defer { if logSize > 0 { text = String(decoding: UnsafeRawBufferPointer(start: log, count: logSize).prefix { $0 != 0 }, as: UTF8.self) } }
        return Int32(try call(progLoad, &attr, context: "BPF_PROG_LOAD for \(context)"))
    }

    private static func copy(_ bytes: [UInt8]) -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 8)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        return buffer
    }

    private static func call(_ command: Int, _ attr: inout Attr, context: String) throws(CgroupError) -> Int {
        do {
            return try Syscall.check("bpf", context) {
                attr.bytes.withUnsafeMutableBytes { rawSyscall(syscallNumber, command, $0.baseAddress, Attr.size) }
            }
        } catch {
            throw .system(error)
        }
    }

    /// union bpf_attr as a zeroed byte buffer (the kernel wants unused bytes zero).
    struct Attr {
        static let size = 128
        var bytes = [UInt8](repeating: 0, count: size)

        mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { raw in
                for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
            }
        }

        func get(at offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }
    }
}
