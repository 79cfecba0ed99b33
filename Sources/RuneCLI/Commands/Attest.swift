import RuneCore
import RuneEnclave

struct AttestCommand: Command {
    static let name = "attest"
    static let summary = "get evidence (a signed report) from the enclave of a running enclave container"
    static let usage = "[command options] <container-id>"
    static let flags: [Flag] = [
        .value("report-data", help: "hex nonce (up to 64 bytes) bound into the evidence"),
        .value("evidence-file", help: "host path to write the evidence to (default: stdout as hex)"),
        .value("reportFile", help: "path inside the container rootfs for the 432-byte local report (reference compatible)"),
        .bool("isRA", help: "remote attestation (not supported: no attestation service is reachable)"),
        .value("quote-type", help: "quote type (reference compatibility)"),
        .value("spid", help: "EPID SPID (reference compatibility)"),
        .value("subscription-key", help: "IAS key (reference compatibility)"),
    ]

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        throw RuneError(.unsupported, "attest: not wired yet")
    }
}
