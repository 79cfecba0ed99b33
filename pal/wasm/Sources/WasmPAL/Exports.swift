// The C ABI (pal.h, PAL API v3 + pal_get_evidence). Every entry point maps failures to -errno
// and writes one reason line to stderr; nothing here may trap, since a trap kills the container.
import CPal
import EnclaveEvidence
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("pal_get_version")
public func palGetVersion() -> Int32 { 3 }

@_cdecl("pal_init")
public func palInit(_ attr: UnsafeMutablePointer<pal_attr_v3_t>?) -> Int32 {
    palEntry("pal_init") {
        guard let attr else { throw PALError(EINVAL, "attr is NULL") }
        guard attr.pointee.fd < 0, attr.pointee.addr == 0 else {
            throw PALError(EINVAL, "pre-built enclaves (fd/addr) are not supported; pass fd = -1, addr = 0")
        }
        let args = attr.pointee.attr_v1.args.map { String(cString: $0) } ?? ""
        try EnclaveRuntime.shared.initialize(args: args)
        return 0
    }
}

@_cdecl("pal_create_process")
public func palCreateProcess(_ args: UnsafeMutablePointer<pal_create_process_args>?) -> Int32 {
    palEntry("pal_create_process") {
        guard let args, let path = args.pointee.path, let pidOut = args.pointee.pid else {
            throw PALError(EINVAL, "args, path and pid must not be NULL")
        }
        let argv = cStrings(args.pointee.argv)
        var environment: [String: String] = [:]
        for entry in cStrings(args.pointee.env) {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        let stdio = args.pointee.stdio.map { ($0.pointee.stdin, $0.pointee.stdout, $0.pointee.stderr) } ?? (0, 1, 2)
        pidOut.pointee = try EnclaveRuntime.shared.createProcess(
            path: String(cString: path), argv: argv, environment: environment, stdio: stdio)
        return 0
    }
}

@_cdecl("pal_exec")
public func palExec(_ args: UnsafeMutablePointer<pal_exec_args>?) -> Int32 {
    palEntry("pal_exec") {
        guard let args, let exitOut = args.pointee.exit_value else { throw PALError(EINVAL, "args and exit_value must not be NULL") }
        exitOut.pointee = try EnclaveRuntime.shared.exec(pid: args.pointee.pid)
        return 0
    }
}

@_cdecl("pal_kill")
public func palKill(_ pid: Int32, _ signal: Int32) -> Int32 {
    palEntry("pal_kill") {
        try EnclaveRuntime.shared.kill(pid: pid, signal: signal)
        return 0
    }
}

@_cdecl("pal_destroy")
public func palDestroy() -> Int32 {
    palEntry("pal_destroy") {
        try EnclaveRuntime.shared.destroy()
        return 0
    }
}

@_cdecl("pal_get_local_report")
public func palGetLocalReport(_ targetInfo: UnsafeMutableRawPointer?, _ targetInfoLength: Int32,
                              _ report: UnsafeMutableRawPointer?, _ reportLength: UnsafeMutablePointer<Int32>?) -> Int32 {
    palEntry("pal_get_local_report") {
        guard let targetInfo, let report, let reportLength else { throw PALError(EINVAL, "NULL argument") }
        guard targetInfoLength == Int32(LocalReport.targetInfoSize) else {
            throw PALError(EINVAL, "targetinfo_len is \(targetInfoLength), expected \(LocalReport.targetInfoSize)")
        }
        let target = Array(UnsafeRawBufferPointer(start: targetInfo, count: LocalReport.targetInfoSize))
        let bytes = try EnclaveRuntime.shared.localReport(targetInfo: target)
        return try copyOut(bytes, to: report, length: reportLength)
    }
}

@_cdecl("pal_get_evidence")
public func palGetEvidence(_ reportData: UnsafeRawPointer?, _ reportDataLength: Int32,
                           _ evidence: UnsafeMutableRawPointer?, _ evidenceLength: UnsafeMutablePointer<Int32>?) -> Int32 {
    palEntry("pal_get_evidence") {
        guard let evidence, let evidenceLength else { throw PALError(EINVAL, "NULL argument") }
        guard reportDataLength >= 0, reportDataLength <= Int32(Evidence.reportDataSize),
              reportData != nil || reportDataLength == 0 else {
            throw PALError(EINVAL, "report_data_len is \(reportDataLength), must be 0...\(Evidence.reportDataSize)")
        }
        let data = reportData.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(reportDataLength))) } ?? []
        let bytes = try EnclaveRuntime.shared.evidence(reportData: data)
        return try copyOut(bytes, to: evidence, length: evidenceLength)
    }
}

/// Copies into a caller buffer whose capacity is `*length`; sets `*length` to the size written or needed.
private func copyOut(_ bytes: [UInt8], to buffer: UnsafeMutableRawPointer, length: UnsafeMutablePointer<Int32>) throws -> Int32 {
    let capacity = length.pointee
    length.pointee = Int32(bytes.count)
    guard capacity >= Int32(bytes.count) else {
        throw PALError(EINVAL, "buffer holds \(capacity) bytes, \(bytes.count) needed")
    }
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    return 0
}

/// Copies a NULL-terminated C string array (caller memory is valid only during the call).
private func cStrings(_ array: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> [String] {
    guard let array else { return [] }
    var strings: [String] = []
    var index = 0
    while let entry = array[index] {
        strings.append(String(cString: entry))
        index += 1
    }
    return strings
}
