import Glibc

/// /proc/self/mountinfo, parsed by bytes: splitting it by Character (grapheme breaking) was once the
/// costliest step of `rune create`.
public enum MountInfo {
    public struct Entry: Sendable {
        public var root: String
        public var mountPoint: String
        /// The optional fields include "shared:N" (the mount is in a peer group).
        public var isShared: Bool
        public var fsType: String
        public var superOptions: String
    }

    /// Every mount, or with `fsTypePrefix` only those whose type starts with it (the other lines are
    /// not split into fields at all).
    public static func entries(_ text: String, fsTypePrefix: String = "") -> [Entry] {
        var text = text
        let marker = Array(" - \(fsTypePrefix)".utf8)
        return text.withUTF8 { bytes in
            var entries: [Entry] = []
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if contains(line, marker), let entry = entry(line) { entries.append(entry) }
                start = end + 1
            }
            return entries
        }
    }

    /// " - TYPE" follows the optional fields.
    private static func contains(_ line: UnsafeBufferPointer<UInt8>, _ marker: [UInt8]) -> Bool {
        guard line.count >= marker.count else { return false }
        return marker.withUnsafeBufferPointer { marker in
            var i = 0
            while i + marker.count <= line.count {
                if line[i] == marker[0] && memcmp(line.baseAddress! + i, marker.baseAddress!, marker.count) == 0 { return true }
                i += 1
            }
            return false
        }
    }

    private static func entry(_ line: UnsafeBufferPointer<UInt8>) -> Entry? {
        var fields: [Range<Int>] = []
        fields.reserveCapacity(12)
        var i = 0
        while i < line.count {
            while i < line.count && line[i] == UInt8(ascii: " ") { i += 1 }
            var end = i
            while end < line.count && line[end] != UInt8(ascii: " ") { end += 1 }
            if end > i { fields.append(i..<end) }
            i = end
        }
        func field(_ n: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: line[fields[n]]) }
        guard let dash = fields.firstIndex(where: { $0.count == 1 && line[$0.lowerBound] == UInt8(ascii: "-") }),
              dash >= 6, fields.count >= dash + 3 else { return nil }
        let shared = Array("shared:".utf8)
        return Entry(root: unescape(field(3)), mountPoint: unescape(field(4)),
                     isShared: (6..<dash).contains { field($0).starts(with: shared) },
                     fsType: String(decoding: field(dash + 1), as: UTF8.self),
                     superOptions: String(decoding: field(dash + 3), as: UTF8.self))
    }

    /// mountinfo writes space, tab, newline and backslash as \ooo octal escapes.
    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let backslash = UInt8(ascii: "\\")
        guard bytes.contains(backslash) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == backslash, i + 4 <= bytes.endIndex, let code = octal(bytes[(i + 1)..<(i + 4)]) {
                out.append(code)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func octal(_ digits: some Collection<UInt8>) -> UInt8? {
        var value: UInt16 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + UInt16(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
