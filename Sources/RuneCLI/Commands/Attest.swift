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
        guard let data = Hex.decode(hex), data.count <= 64 else {
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
                print(Hex.encode(evidence))
            }
        } catch { throw RuneError(.failed, "attest: \(error)") }
        return 0
    }
}
