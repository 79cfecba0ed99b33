import CRuneLinux
import Glibc
import Testing

/// The guard of the forking tests: a child that never finishes (as one stuck on a lock inherited at the fork)
/// must end the test, not hang the run. The runner's threads block SIGALRM, so this needs the child to unblock it.
@Suite struct ChildGuardTests {
    /// Runs `body` through exitCodeOfChild with a pipe each child writes one byte into; returns (exit code, children).
    static func countingChildren(alarmAfter seconds: UInt32, _ body: @escaping () -> Int32) -> (Int32, Int) {
        var ends: [Int32] = [0, 0]
        #expect(rune_pipe2(&ends, O_CLOEXEC) == 0)
        let writer = ends[1]
        let code = exitCodeOfChild(alarmAfter: seconds) {
            _ = write(writer, "x", 1)
            return body()
        }
        close(ends[1])
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = read(ends[0], &bytes, bytes.count)
        close(ends[0])
        return (code, count)
    }

    @Test func aChildThatNeverFinishesIsEndedByItsAlarmAndTriedThreeTimes() {
        let (code, children) = Self.countingChildren(alarmAfter: 1) {
            pause()
            return 0
        }
        #expect(code == 128 + SIGALRM)
        #expect(children == 3)
    }

    @Test func aChildThatFinishesRunsOnce() {
        let (code, children) = Self.countingChildren(alarmAfter: 5) { 7 }
        #expect(code == 7)
        #expect(children == 1)
    }
}
