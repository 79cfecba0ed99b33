import Glibc
import OCISpec
import RuneSecurity
import RuneSystem
import Testing

/// Start-up cost of the Docker-sized profile: compile (host, `rune create`) vs load (init), with and without the cache.
/// Prints medians; never asserts a time. Run with RUNE_SECCOMP_TIMINGS=1 (best with `-c release`); add
/// RUNE_SECCOMP_NATIVE_ONLY=1 to drop the profile's x86/x32 architectures (libseccomp's cost grows with each).
@Suite(.serialized, .enabled(if: getenv("RUNE_SECCOMP_TIMINGS") != nil))
struct SeccompTimingTests {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func median(_ samples: [UInt64]) -> Double { Double(samples.sorted()[samples.count / 2]) / 1000 }

    /// Times `body` in `runs` forked children (a filter stays loaded, so every load needs a fresh process).
    static func timeInChildren(runs: Int, _ body: () -> Bool) -> [UInt64] {
        (0..<runs).compactMap { _ in
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { return nil }
            let pid = fork()
            if pid == 0 {
                close(fds[0])
                let start = now()
                var elapsed = body() ? now() - start : 0
                _ = write(fds[1], &elapsed, 8)
                _exit(0)
            }
            close(fds[1])
            var elapsed: UInt64 = 0
            let n = read(fds[0], &elapsed, 8)
            close(fds[0])
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return n == 8 && elapsed > 0 ? elapsed : nil
        }
    }

    static func succeeds(_ body: () throws -> Void) -> Bool {
        do {
            try body()
            return true
        } catch {
            return false
        }
    }

    @Test func dockerProfileBuildLoadAndCachedLoad() throws {
        var docker = try Profiles.docker()
        if getenv("RUNE_SECCOMP_NATIVE_ONLY") != nil { docker.architectures = nil }
        let flags = try ProcessSecurity.seccompFlags(docker)
        let dir = makeTemporaryDirectory()
        defer { try? FileSystem.removeTree(dir) }
        let runs = 100
        var compile: [UInt64] = [], cacheHit: [UInt64] = []
        for _ in 0..<runs {
            let start = Self.now()
            _ = try ProcessSecurity.compileSeccomp(docker)
            compile.append(Self.now() - start)
        }
        let program = try ProcessSecurity.compileSeccomp(docker, cacheDir: dir)
        for _ in 0..<runs {
            let start = Self.now()
            _ = try ProcessSecurity.compileSeccomp(docker, cacheDir: dir)
            cacheHit.append(Self.now() - start)
        }
        let cacheFile = dir + "/" + (try FileSystem.listDirectory(dir))[0]
        let uncachedInit = Self.timeInChildren(runs: runs) { Self.succeeds { _ = try ProcessSecurity.loadSeccomp(docker) } }
        let kernelLoad = Self.timeInChildren(runs: runs) { Self.succeeds { _ = try ProcessSecurity.loadCompiled(program, flags: flags) } }
        let cachedInit = Self.timeInChildren(runs: runs) {
            // What an init does with a program left by `rune create`: read the file, load it.
            guard let bytes = try? FileSystem.readBytes(cacheFile) else { return false }
            return Self.succeeds { _ = try ProcessSecurity.loadCompiled(Array(bytes.suffix(program.count)), flags: flags) }
        }
        #expect(uncachedInit.count == runs, "uncached")
        #expect(kernelLoad.count == runs, "kernel")
        #expect(cachedInit.count == runs, "cached")
        print("""
            seccomp timings, Docker-sized profile (\(program.count / 8) BPF instructions), medians of \(runs):
              compile, no cache (libseccomp rules + seccomp_export_bpf): \(Self.median(compile)) µs
              compile, cache hit (profile JSON + read + compare):       \(Self.median(cacheHit)) µs
              init load, no cache (compile + seccomp(2)):                \(Self.median(uncachedInit)) µs
              init load, cached program (read file + seccomp(2)):       \(Self.median(cachedInit)) µs
              seccomp(2) alone with the compiled program:                \(Self.median(kernelLoad)) µs
            """)
    }
}
