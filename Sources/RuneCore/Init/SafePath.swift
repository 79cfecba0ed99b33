import CRuneLinux
import Glibc
import RuneSystem

/// Opens and creates paths inside the container root with every symlink resolved within it
/// (openat2 RESOLVE_IN_ROOT), so a rootfs whose symlinks point at host paths cannot redirect a mount.
struct SafeRoot {
    let rootFd: Int32
    let rootPath: String

    init(_ path: String) throws(SyscallError) {
        rootPath = path
        rootFd = try Syscall.check("open", path) { Glibc.open(path, RUNE_O_PATH | O_DIRECTORY | O_CLOEXEC) }
    }

    func close() { Glibc.close(rootFd) }

    /// Opens `path` (container view) as an O_PATH fd.
    func open(_ path: String, flags: Int32 = RUNE_O_PATH | O_CLOEXEC) throws(SyscallError) -> Int32 {
        try Syscall.check("openat2", rootPath + path) { rune_openat2_in_root(rootFd, path, flags, 0) }
    }

    /// Makes sure `path` exists as a directory (or, with `file`, as a regular file) and returns an O_PATH fd of it.
    func ensure(_ target: String, file: Bool = false, mode: mode_t = 0o755) throws(SyscallError) -> Int32 {
        if let fd = try? open(target) { return fd }
        if let fd = createLeaf(target, file: file, mode: mode) { return fd }
        // Dangling symlinks are followed inside the root so the missing directories are made where they point.
        let path = resolveInRoot(target)
        var current = try Syscall.check("openat2", rootPath) { rune_openat2_in_root(rootFd, "/", RUNE_O_PATH | O_DIRECTORY | O_CLOEXEC, 0) }
        let parts = path.split(separator: "/").map(String.init)
        for (index, part) in parts.enumerated() {
            let last = index == parts.count - 1
            let next = rune_openat2_in_root(current, part, RUNE_O_PATH | O_CLOEXEC | (last ? 0 : O_DIRECTORY), 0)
            if next >= 0 { Glibc.close(current); current = next; continue }
            let err = errno
            guard err == ENOENT else { Glibc.close(current); throw SyscallError(name: "openat2", errno: err, context: rootPath + path) }
            // Create through a real directory fd: O_PATH fds cannot be used with mkdirat/openat for creation portably.
            let dirFd = try Syscall.check("openat2", rootPath + path) { rune_openat2_in_root(current, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0) }
            defer { Glibc.close(dirFd) }
            if last && file {
                let f = openat(dirFd, part, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o755)
                if f < 0 && errno != EEXIST { Glibc.close(current); throw SyscallError(name: "create", errno: errno, context: rootPath + path) }
                if f >= 0 { Glibc.close(f) }
            } else if mkdirat(dirFd, part, mode) != 0 && errno != EEXIST {
                let e = errno
                Glibc.close(current)
                throw SyscallError(name: "mkdir", errno: e, context: rootPath + path)
            }
            let created = rune_openat2_in_root(current, part, RUNE_O_PATH | O_CLOEXEC, 0)
            Glibc.close(current)
            guard created >= 0 else { throw SyscallError(name: "openat2", errno: errno, context: rootPath + path) }
            current = created
        }
        return current
    }
}

extension SafeRoot {
    /// The common case of `ensure`: the parent exists and the leaf is not a dangling symlink, so it is
    /// made right there (4 calls instead of a walk from the root). nil sends the caller the long way.
    func createLeaf(_ target: String, file: Bool, mode: mode_t) -> Int32? {
        let bytes = target.utf8
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        // Sliced by bytes: a String slice at a UTF-8 index rounds it to a Character boundary first.
        let leaf = String(decoding: bytes[bytes.index(after: slash)...], as: UTF8.self)
        guard !leaf.isEmpty, leaf != ".", leaf != ".." else { return nil }
        let parentPath = slash == bytes.startIndex ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
        let parent = rune_openat2_in_root(rootFd, parentPath, RUNE_O_PATH | O_DIRECTORY | O_CLOEXEC, 0)
        guard parent >= 0 else { return nil }
        defer { Glibc.close(parent) }
        var buf = [CChar](repeating: 0, count: 2)
        guard readlinkat(parent, leaf, &buf, buf.count) < 0 else { return nil }  // a dangling symlink
        if file {
            let f = openat(parent, leaf, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o755)
            guard f >= 0 else { return nil }
            Glibc.close(f)
        } else if mkdirat(parent, leaf, mode) != 0 {
            return nil
        }
        let fd = rune_openat2_in_root(parent, leaf, RUNE_O_PATH | O_CLOEXEC, 0)
        return fd >= 0 ? fd : nil
    }

    /// Resolves symlinks in `path` as if the rootfs were "/": absolute targets restart at the root and
    /// ".." never climbs above it (what securejoin does for runc). The result has no symlinks left.
    func resolveInRoot(_ path: String) -> String {
        var pending = path.split(separator: "/").map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !resolved.isEmpty { resolved.removeLast() }; continue }
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
            let fd = rune_openat2_in_root(rootFd, "/" + resolved.joined(byte: UInt8(ascii: "/")), RUNE_O_PATH | O_DIRECTORY | O_CLOEXEC, 0)
            let n = fd >= 0 ? readlinkat(fd, part, &buf, buf.count - 1) : -1
            if fd >= 0 { Glibc.close(fd) }
            guard n > 0, hops < 40 else { resolved.append(part); continue }
            hops += 1
            let link = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasBytePrefix("/") { resolved = [] }
            pending = link.split(separator: "/").map(String.init) + pending
        }
        return "/" + resolved.joined(byte: UInt8(ascii: "/"))
    }
}

func procFdPath(_ fd: Int32) -> String { "/proc/self/fd/" + String(decimal: fd) }

/// mount(2) through the wrapper. The corresponding system call is `mount(2)`.
func mountCall(_ source: String?, _ target: String, _ type: String?, _ flags: UInt, _ data: String?,
               context: String) throws(SyscallError) {
    try Syscall.check("mount", context) { mount(source, target, type, flags, data) }
}
