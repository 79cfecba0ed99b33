import Glibc
import OCISpec
import RuneCore
import RuneSystem

struct SpecCommand: Command {
    static let name = "spec"
    static let summary = "create a new specification file"
    static let usage = "[command options]"
    static let flags: [Flag] = [
        .value("bundle", "b", help: "path to the root of the bundle directory"),
        .bool("rootless", help: "generate a configuration for a rootless container"),
    ]
    static let arguments: Int? = 0

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        let bundle = args.string("bundle") ?? "."
        let path = bundle + "/config.json"
        if FileSystem.exists(path) { throw RuneError(.exists, "File \(path) exists. Remove it first") }
        // runc 1.1's ociVersion, so that `rune spec` writes exactly what `runc spec` does.
        let text = Spec.defaultSpec(rootless: args.bool("rootless"), ociVersion: "1.0.2-dev").encodeForSpecCommand()
        do { try FileSystem.writeAtomically(path, Array(text.utf8), mode: 0o666 & ~currentUmask()) } catch { throw error.rune }
        return 0
    }

    static func currentUmask() -> mode_t {
        let old = umask(0)
        umask(old)
        return old
    }
}
