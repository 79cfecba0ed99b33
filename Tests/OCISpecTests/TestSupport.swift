// Helpers for OCISpec tests: run real commands (runc, date) and make temporary bundles.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
@testable import OCISpec

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum TestSupport {
    static func commandExists(_ path: String) -> Bool { access(path, X_OK) == 0 }

    static let runcPath = ["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc"].first(where: commandExists)
    static var hasRunc: Bool { runcPath != nil }
    static var isRoot: Bool { geteuid() == 0 }

    /// Runs argv[0] (absolute path) in `directory`, capturing stdout and stderr through files.
    static func run(_ argv: [String], in directory: String? = nil) throws -> CommandResult {
        let outPath = try makeTemporaryDirectory() + "/out", errPath = outPath + ".err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var command = argv
        if let directory { command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv }
        var cArgs = command.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, &cArgs, environ)
        guard spawned == 0 else { throw SpecError("spawn \(command[0]): \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return CommandResult(status: exitCode, stdout: try readText(outPath), stderr: try readText(errPath))
    }

    static func readText(_ path: String) throws -> String {
        String(decoding: try OCIJSON.readFile(path), as: UTF8.self)
    }

    static func writeText(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "open \(path)")
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            precondition(written > 0, "write \(path)")
            offset += written
        }
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/ocispec-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpecError("mkdtemp failed") }
        return String(cString: made)
    }

    /// A bundle directory with an empty rootfs and the given config.json text (nil: no config.json).
    static func makeBundle(config: String?) throws -> String {
        let bundle = try makeTemporaryDirectory()
        mkdir(bundle + "/rootfs", 0o755)
        if let config { writeText(config, to: bundle + "/config.json") }
        return bundle
    }

    static func removeTree(_ path: String) {
        guard path.hasPrefix("/tmp/ocispec-test-") else { return }
        _ = try? run(["/bin/rm", "-rf", path])
    }

    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }
}
