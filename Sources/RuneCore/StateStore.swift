import Glibc
import OCISpec
import RuneSystem

/// The state root (`--root`, default /run/rune): one directory per container, written atomically and
/// serialised with flock on the directory so concurrent commands on one container take turns.
public struct StateStore: Sendable {
    public let root: String

    public init(root: String) { self.root = FileSystem.absolute(root) }

    public func directory(_ id: String) -> String { root + "/" + id }

    public static func validate(id: String) throws(RuneError) {
        let allowed = id.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "_+-.".unicodeScalars.contains($0)
        }
        if id.isEmpty || id == "." || id == ".." || !allowed {
            throw RuneError(.invalidArgument, "invalid container id format: \(id)")
        }
    }

    /// Makes the container's directory; an existing one means the id is taken.
    public func createDirectory(_ id: String) throws(RuneError) -> StateLock {
        try Self.validate(id: id)
        do {
            try FileSystem.makeDirectories(root, mode: 0o700)
        } catch { throw error.rune }
        let dir = directory(id)
        if mkdir(dir, 0o711) != 0 {
            if errno == EEXIST { throw RuneError(.exists, "container with id exists: \(id)") }
            throw SyscallError(name: "mkdir", errno: errno, context: dir).rune
        }
        return try StateLock(directory: dir)
    }

    public func exists(_ id: String) -> Bool { FileSystem.exists(directory(id) + "/state.json") }

    /// Loads a container's state under an exclusive lock the caller holds for the whole operation.
    public func load(_ id: String) throws(RuneError) -> (ContainerState, StateLock) {
        try Self.validate(id: id)
        guard FileSystem.isDirectory(directory(id)) else { throw RuneError(.notFound, "container \"\(id)\" does not exist") }
        let lock = try StateLock(directory: directory(id))
        return (try read(id), lock)
    }

    /// Reads state without locking (for list).
    public func read(_ id: String) throws(RuneError) -> ContainerState {
        let path = directory(id) + "/state.json"
        do {
            let bytes = try FileSystem.readBytes(path)
            return try JSON.decoder.decodeBytes(ContainerState.self, from: bytes)
        } catch let error as SyscallError where error.errno == ENOENT {
            throw RuneError(.notFound, "container \"\(id)\" does not exist")
        } catch {
            throw RuneError(.failed, "read state \(path): \(error)")
        }
    }

    public func save(_ state: ContainerState) throws(RuneError) {
        try save(try encode(state), id: state.id)
    }

    /// state.json's bytes, for `save(_:id:)` later.
    func encode(_ state: ContainerState) throws(RuneError) -> [UInt8] {
        do { return try JSON.encoder.encodeBytes(state) } catch { throw RuneError.wrap(error, "save state of \(state.id)") }
    }

    func save(_ encoded: [UInt8], id: String) throws(RuneError) {
        do { try FileSystem.writeAtomically(directory(id) + "/state.json", encoded) } catch {
            throw RuneError.wrap(error, "save state of \(id)")
        }
    }

    public func remove(_ id: String) throws(RuneError) {
        do { try FileSystem.removeTree(directory(id)) } catch { throw error.rune }
    }

    public func ids() -> [String] {
        ((try? FileSystem.listDirectory(root)) ?? []).filter { FileSystem.isDirectory(directory($0)) }.sorted()
    }
}

/// An exclusive flock on a state directory, released on close.
public final class StateLock: @unchecked Sendable {
    public private(set) var fd: Int32

    init(directory: String) throws(RuneError) {
        do {
            fd = try Syscall.check("open", directory) { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            try Syscall.check("flock", directory) { flock(fd, LOCK_EX) }
        } catch { throw error.rune }
    }

    /// Lets other commands at the container (a long `exec` must not block `state` or `delete`).
    public func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
