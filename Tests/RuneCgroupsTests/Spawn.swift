import CRuneLinux
import Glibc
import RuneSystem

/// Child processes for the real-cgroup tests (posix_spawn: no fork of the threaded test runner).
struct Child {
    let pid: pid_t
    /// Write end of the child's stdin, when asked for; the child can block on `read` until told to go.
    let stdinWriter: Int32?

    static func start(_ argv: [String], holdStdin: Bool = false, stdout: Int32? = nil) -> Child {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var writer: Int32?
        var reader: Int32?
        if holdStdin {
            var fds: [Int32] = [0, 0]
            precondition(rune_pipe2(&fds, O_CLOEXEC) == 0)
            posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
            posix_spawn_file_actions_addclose(&actions, fds[1])
            writer = fds[1]
            reader = fds[0]
        }
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        let child = spawn(argv, &actions, writer)
        if let reader { close(reader) }
        return child
    }

    private static func spawn(_ argv: [String], _ actions: inout posix_spawn_file_actions_t, _ writer: Int32?) -> Child {
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cArgs, environ)
        precondition(rc == 0, "posix_spawn \(argv[0]): \(rc)")
        return Child(pid: pid, stdinWriter: writer)
    }

    /// Lets a child blocked on `read` go on.
    func release() {
        guard let stdinWriter else { return }
        _ = write(stdinWriter, "go\n", 3)
        close(stdinWriter)
    }

    /// Waits for the child; returns the raw wait status.
    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }

    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
        wait()
    }
}

/// Runs a command to completion and returns its exit status and stdout.
func run(_ argv: [String]) -> (status: Int32, output: String) {
    var fds: [Int32] = [0, 0]
    precondition(rune_pipe2(&fds, O_CLOEXEC) == 0)
    let child = Child.start(argv, stdout: fds[1])
    close(fds[1])
    return finish(child, fds[0])
}

/// Like `run`, but the command waits on its stdin until `place` has moved it (into a cgroup).
func run(_ argv: [String], placedBy place: (pid_t) throws -> Void) throws -> (status: Int32, output: String) {
    var fds: [Int32] = [0, 0]
    precondition(rune_pipe2(&fds, O_CLOEXEC) == 0)
    let child = Child.start(argv, holdStdin: true, stdout: fds[1])
    close(fds[1])
    do { try place(child.pid) } catch { child.kill(); close(fds[0]); throw error }
    child.release()
    return finish(child, fds[0])
}

private func finish(_ child: Child, _ reader: Int32) -> (status: Int32, output: String) {
    let output = (try? FileSystem.readAll(fd: reader, context: "pipe")) ?? []
    close(reader)
    let status = child.wait()
    return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), String(decoding: output, as: UTF8.self))
}

func randomSuffix() -> String {
    var generator = SystemRandomNumberGenerator()
    return String(generator.next() & 0xffff_ffff_ffff, radix: 16)
}
