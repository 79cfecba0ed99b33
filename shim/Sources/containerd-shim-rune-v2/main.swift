// containerd-shim-rune-v2: `start`, `delete`, or (no action word) serve the Task service.
import Glibc
import RuneShimCore

do {
    let flags = try ShimFlags(Array(CommandLine.arguments.dropFirst()))
    switch flags.action {
    case "start":
        // containerd reads stdout and stderr together: print the address and nothing else.
        let address = try StartCommand.run(flags)
        fputs(address, stdout)
        exit(0)
    case "delete":
        let bytes = DeleteCommand.run(flags)
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdout) }
        fflush(stdout)
        exit(0)
    case "":
        try ServeCommand.run(flags)
    default:
        fputs("containerd-shim-rune-v2: unknown action \"\(flags.action)\" (expected start or delete)\n", stderr)
        exit(2)
    }
} catch {
    fputs("containerd-shim-rune-v2: \(error)\n", stderr)
    exit(1)
}
