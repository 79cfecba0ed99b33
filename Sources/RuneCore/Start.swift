import Glibc
import OCISpec
import RuneSystem

extension Runtime {
    /// `rune start`: releases a created container through its exec fifo. (Poststart hooks ran at create, as in runc 1.1.)
    public func start(id: String) throws(RuneError) {
        let (state, lock) = try store.load(id)
        defer { _ = lock }
        try start(loaded: state)
    }

    /// `start` of a container `run` has just created: its state is in memory, only the lock is taken again.
    func start(created state: ContainerState) throws(RuneError) {
        let lock = try StateLock(directory: store.directory(state.id))
        defer { _ = lock }
        try start(loaded: state)
    }

    private func start(loaded state: ContainerState) throws(RuneError) {
        switch status(of: state) {
        case .created: break
        case .stopped: throw RuneError(.invalidState, "cannot start a container that has stopped")
        default: throw RuneError(.invalidState, "cannot start an already running container")
        }
        try releaseFifo(state)
    }

    func releaseFifo(_ state: ContainerState) throws(RuneError) {
        let path = store.directory(state.id) + "/exec.fifo"
        // O_NONBLOCK open of a fifo for reading never blocks; the init's pending write-open then completes.
        let fd = try openOrThrow(path, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        unlink(path)
        var byte: UInt8 = 0
        let n = read(fd, &byte, 1)
        if n <= 0 { throw RuneError(.failed, "cannot start a container whose init process is already dead") }
    }
}
