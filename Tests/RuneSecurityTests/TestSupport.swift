import Glibc
import RuneSystem

/// Runs `body` in a forked child and returns its exit code (128 + signal if it was killed). The child touches only
/// RuneSecurity and libc, sends stdio to /dev/null (switchUser hands stdio to the new uid) and has 30 s before SIGALRM
/// kills it, so a child stuck on a lock inherited from another test thread fails the test instead of hanging it.
func exitCodeOfChild(_ body: () -> Int32) -> Int32 {
    let pid = fork()
    if pid == 0 {
        alarm(30)
        let null = open("/dev/null", O_RDWR)
        dup2(null, 0)
        dup2(null, 1)
        dup2(null, 2)
        _exit(body())
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/rune-security-test-XXXXXX".utf8CString)
    guard let path = mkdtemp(&template) else { fatalError("mkdtemp failed: \(errno)") }
    return String(cString: path)
}

func writeFile(_ path: String, _ text: String) throws {
    try writeFile(path, Array(text.utf8))
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = try Syscall.check("open", path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
    defer { close(fd) }
    try FileSystem.writeAll(fd: fd, bytes, context: path)
}

/// A hex field of /proc/thread-self/status, such as CapEff.
func statusMask(_ field: String) -> UInt64? {
    statusField(field).flatMap { UInt64($0, radix: 16) }
}

/// A field of /proc/thread-self/status with its whitespace collapsed to single spaces.
func statusField(_ field: String) -> String? {
    guard let text = try? FileSystem.readString("/proc/thread-self/status") else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
    return nil
}
