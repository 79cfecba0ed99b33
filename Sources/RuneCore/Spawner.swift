import CRuneLinux
import Glibc
import RuneSystem

/// Starts the rune binary again (as `rune init`) with chosen fds at fixed numbers.
/// posix_spawn keeps the caller free of fork-in-Swift hazards; the child starts in nsexec.c.
public enum Spawner {
    /// `fds`: (fd in this process, fd number in the child). Every other fd is closed by CLOEXEC.
    public static func spawn(
        executable: String, argv0: String? = nil, arguments: [String], environment: [String], fds: [(Int32, Int32)],
        setsid: Bool = false
    ) throws(SyscallError) -> pid_t {
        try spawn(executable: .path(executable), argv0: argv0, arguments: arguments, environment: environment, fds: fds,
                  setsid: setsid)
    }

    /// What to run: a path, or a file open at an fd (run through /proc/self/fd).
    public enum Executable { case path(String), fd(Int32) }

    public static func spawn(
        executable: Executable, argv0: String? = nil, arguments: [String], environment: [String], fds: [(Int32, Int32)],
        setsid: Bool = false
    ) throws(SyscallError) -> pid_t {
        // Move sources out of the way first, so that a dup2 onto its own number cannot keep CLOEXEC.
        var moved: [(Int32, Int32)] = []
        defer { for (fd, _) in moved { close(fd) } }
        for (source, target) in fds {
            let high = try Syscall.check("fcntl", "F_DUPFD_CLOEXEC") { fcntl(source, F_DUPFD_CLOEXEC, 256) }
            moved.append((high, target))
        }
        // The child resolves /proc/self/fd/N after its dup2s, so N is moved above every target too.
        let path: String
        var executableCopy: Int32 = -1
        defer { if executableCopy >= 0 { close(executableCopy) } }
        switch executable {
        case .path(let p): path = p
        case .fd(let fd):
            executableCopy = try Syscall.check("fcntl", "F_DUPFD_CLOEXEC") { fcntl(fd, F_DUPFD_CLOEXEC, 256) }
            path = "/proc/self/fd/" + String(decimal: executableCopy)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (high, target) in moved { posix_spawn_file_actions_adddup2(&actions, high, target) }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (setsid ? 0x80 : 0)))

        var pid: pid_t = 0
        let argv = ([argv0 ?? path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
        if rc != 0 { throw SyscallError(name: "posix_spawn", errno: rc, context: path) }
        return pid
    }

    /// Waits for a child; returns the raw wait status.
    @discardableResult
    public static func wait(_ pid: pid_t) throws(SyscallError) -> Int32 {
        var status: Int32 = 0
        try Syscall.check("waitpid", "\(pid)") { waitpid(pid, &status, 0) }
        return status
    }

    /// Shell-style exit code for a wait status: the exit code, or 128 + signal.
    public static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }
}

/// A pidfd for a process, or -1 when the kernel cannot give one.
public func rune_pidfd(_ pid: pid_t) -> Int32 { rune_pidfd_open(pid) }
