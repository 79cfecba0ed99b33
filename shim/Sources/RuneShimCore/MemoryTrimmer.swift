import Glibc
import NIOConcurrencyHelpers

/// Keeps the resident set of the long-lived shim small. Swift's runtime touches code and metadata all
/// over the binary (conformance scans, first-use paths of NIO and protobuf) and the kernel maps 64 KiB
/// around each fault, so most of the text is resident after a few RPCs although the idle loop needs
/// little of it. Those pages are clean and file-backed: when the shim has been idle for a moment we
/// drop them from our mapping with MADV_DONTNEED, and they are read back from the page cache on use.
/// Only the executable's r-x mapping is trimmed: writable and RELRO pages may hold modified data.
public final class MemoryTrimmer: @unchecked Sendable {
    public static let shared = MemoryTrimmer()

    private let lock = NIOLock()
    private var activity = 0
    private var trimmedAt = -1

    /// Records an RPC; a trim follows once no RPC has started or ended for about a second.
    public func noteActivity() {
        lock.withLock { activity += 1 }
    }

    public func start() {
        startThread { [self] in
            while true {
                sleep(1)
                let (now, last) = lock.withLock { (activity, trimmedAt) }
                guard now != last else { continue }
                sleep(1)
                if lock.withLock({ activity }) != now { continue }  // still busy
                Self.trimText()
                lock.withLock { trimmedAt = now }
            }
        }
    }

    /// Trims the executable's code mapping. Kernels with large folios map file-backed text a whole folio
    /// (up to 2 MiB) per fault, so a few touched bytes keep most of the text resident. MADV_RANDOM stops
    /// readahead, so pages read back come in 4 KiB folios; MADV_PAGEOUT evicts our unshared folios from
    /// the page cache so that happens; MADV_DONTNEED unmaps the rest. NOHUGEPAGE prevents PMD mappings.
    public static func trimText() {
        guard let maps = try? Sys.readText("/proc/self/maps") else { return }
        let exe = Sys.selfExecutable()
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[5...].joined(separator: " ") == exe else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                  let base = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            _ = madvise(base, Int(end - start), MADV_NOHUGEPAGE)
            guard fields[1] == "r-xp" else { continue }
            let length = Int(end - start)
            _ = madvise(base, length, MADV_RANDOM)
            _ = madvise(base, length, 21)  // MADV_PAGEOUT (Linux 5.4); harmless EINVAL before
            _ = madvise(base, length, MADV_DONTNEED)
        }
    }
}
