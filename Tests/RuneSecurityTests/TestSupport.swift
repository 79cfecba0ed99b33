import Glibc
import RuneSystem

/// Runs `body` in a forked child and returns its exit code (128 + signal if it was killed). The child touches only
/// RuneSecurity and libc and sends stdio to /dev/null (switchUser hands stdio to the new uid).
/// The test runner is threaded, so a child can inherit a lock another thread held at the fork and never get it:
/// such a child is ended by SIGALRM after 30 s and the body runs again in a new child, at most three times.
func exitCodeOfChild(alarmAfter seconds: UInt32 = 30, _ body: () -> Int32) -> Int32 {
    var code = exitCodeOfOneChild(alarmAfter: seconds, body)
    for _ in 1..<3 where code == 128 + SIGALRM { code = exitCodeOfOneChild(alarmAfter: seconds, body) }
    return code
}

private func exitCodeOfOneChild(alarmAfter seconds: UInt32, _ body: () -> Int32) -> Int32 {
    let pid = fork()
    if pid == 0 {
        unblockSignalsAndArmAlarm(seconds)
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

/// The runner's worker threads block SIGALRM (libdispatch blocks every asynchronous signal in them), and a forked
/// child keeps its thread's mask: without this the alarm would never fire.
func unblockSignalsAndArmAlarm(_ seconds: UInt32 = 30) {
    var none = sigset_t()
    sigemptyset(&none)
    pthread_sigmask(SIG_SETMASK, &none, nil)
    alarm(seconds)
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
