// rune-enclave: signer keys, measurement, signing, evidence verification and the sim platform key.
// Bad input: one line on stderr naming the option or file, exit status 2; a failed check: exit 1.
import EnclaveEvidence
#if canImport(Glibc)
import Glibc
#endif

let usage = """
usage: rune-enclave keygen --out KEY
       rune-enclave measure --module M [--args "ARGS"]
       rune-enclave sign --key KEY --module M [--args "ARGS"] --out SIG [--product-id N] [--svn N] [--debug]
       rune-enclave verify --evidence FILE --platform-pub PUB [--measurement HEX] [--signer HEX] [--nonce HEX]
                           [--min-svn N] [--allow-debug]
       rune-enclave platform-key --init|--pub [--path SEED] [--out FILE]
"""

func fail(_ message: String, status: Int32 = 2) -> Never {
    let line = Array("rune-enclave: \(message)\n".utf8)
    line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { fail("missing command\n" + usage) }
let options: Options
do { options = try Options(Array(arguments.dropFirst())) } catch { fail("\(error)") }

do {
    switch command {
    case "keygen": try Commands.keygen(options)
    case "measure": try Commands.measure(options)
    case "sign": try Commands.sign(options)
    case "verify": try Commands.verify(options)
    case "platform-key": try Commands.platformKey(options)
    case "-h", "--help", "help": print(usage)
    default: fail("unknown command '\(command)'\n" + usage)
    }
} catch let error as VerifyFailure {
    fail(error.description, status: 1)
} catch {
    fail("\(error)")
}
