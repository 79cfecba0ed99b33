import RuneCore
import RuneEnclave
import RuneSystem

struct AttestCommand: Command {
    static let name = "attest"
    static let summary = "get evidence (a signed report) from the enclave of a running enclave container"
    static let usage = "[command options] <container-id>"
    static let flags: [Flag] = [
        .value("report-data", help: "hex nonce (up to 64 bytes) bound into the evidence"),
        .value("evidence-file", help: "host path to write the evidence to (default: hex on stdout)"),
        .value("reportFile", help: "path inside the container rootfs for the 432-byte local report (PAL v3)"),
        .bool("isRA", help: "remote attestation: not supported (no attestation service is reachable)"),
        .value("quote-type", help: "accepted for compatibility with the reference"),
        .value("spid", help: "accepted for compatibility with the reference"),
        .value("subscription-key", help: "accepted for compatibility with the reference"),
    ]

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        if args.bool("isRA") { throw RuneError(.unsupported, "attest --isRA: remote attestation is not supported") }
        let hex = args.string("report-data") ?? ""
        guard let data = decodeHex(hex), data.count <= 64 else {
            throw RuneError(.invalidArgument, "--report-data: want up to 64 bytes as hex, got \"\(hex)\"")
        }
        let runtime = try global.runtime()
        let id = args.positionals[0]
        let local = args.string("reportFile") != nil
        let evidence = try EnclaveSupport.attest(runtime: runtime, id: id, reportData: data, local: local)
        do {
            if let reportFile = args.string("reportFile") {
                let rootfs = try runtime.store.read(id).rootfs
                try RootfsFile.write(rootfs: rootfs, path: reportFile, bytes: evidence, mode: 0o664)
            } else if let path = args.string("evidence-file") {
                try FileSystem.writeAtomically(path, evidence, mode: 0o644)
            } else {
                print(encodeHex(evidence))
            }
        } catch { throw RuneError(.failed, "attest: \(error)") }
        return 0
    }
}

func decodeHex(_ text: String) -> [UInt8]? {
    let chars = Array(text.utf8)
    guard chars.count % 2 == 0 else { return nil }
    return stride(from: 0, to: chars.count, by: 2).compactMap { UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16) }
        .count == chars.count / 2 ? stride(from: 0, to: chars.count, by: 2).map { UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16)! } : nil
}

func encodeHex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
