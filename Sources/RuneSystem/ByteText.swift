// Text helpers that work on UTF-8 bytes where the stdlib would run Character-level or generic
// integer code on rune's hot paths (each such stdlib function keeps a 64 KiB block of code resident).

/// Decimal text of integers, written by bytes. `String(n)` and `"\(n)"` run the stdlib's generic
/// integer printing (`_description`, `_BinaryIntegerToASCII`, each type's `description` witness),
/// whose code would stay resident in every rune process for that alone (docs/performance.md,
/// "Link order"). Output is what `String(n)` writes; `width` pads with leading zeros.
extension String {
    public init(decimal value: Int, width: Int = 1) {
        self.init(decimalMagnitude: UInt64(value.magnitude), negative: value < 0, width: width)
    }

    public init(decimal value: Int64, width: Int = 1) {
        self.init(decimalMagnitude: value.magnitude, negative: value < 0, width: width)
    }

    public init(decimal value: Int32) { self.init(decimal: Int(value)) }

    public init(decimal value: UInt64) { self.init(decimalMagnitude: value, negative: false, width: 1) }

    public init(decimal value: UInt32) { self.init(decimal: UInt64(value)) }

    private init(decimalMagnitude magnitude: UInt64, negative: Bool, width: Int) {
        let digits = Swift.min(Swift.max(width, 1), 20)
        // 20 digits hold UInt64.max; the sign of Int64.min (19 digits) fits too.
        self = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { buffer in
            var start = buffer.endIndex
            var rest = magnitude
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest != 0 || buffer.endIndex - start < digits
            if negative {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start...]), as: UTF8.self)
        }
    }
}

extension Array where Element == String {
    /// `joined(separator:)` for a separator of one ASCII byte, without the stdlib's generic joining
    /// (whose first use builds JoinedSequence metadata at run time in every process that calls it).
    public func joined(byte separator: UInt8) -> String {
        var bytes: [UInt8] = []
        for (i, part) in enumerated() {
            if i > 0 { bytes.append(separator) }
            bytes.append(contentsOf: part.utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// `hasPrefix` by UTF-8 bytes, as paths, flags and file contents compare. The stdlib's `hasPrefix`
    /// also checks that the prefix ends on a Character boundary: grapheme-breaking code that would stay
    /// resident in every rune process for that alone (docs/performance.md, "Link order").
    public func hasBytePrefix(_ prefix: String) -> Bool { utf8.starts(with: prefix.utf8) }
}

extension ArraySlice where Element == UInt8 {
    /// Without the bytes `isBlank` names at either end.
    public func trimmingBytes(where isBlank: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return [] }
        return self[first...last]
    }
}

extension String {
    /// Trimmed by bytes (Character-level trimming would keep grapheme-breaking code resident).
    public func trimmingBytes(where isBlank: (UInt8) -> Bool) -> String {
        String(decoding: Array(utf8)[...].trimmingBytes(where: isBlank), as: UTF8.self)
    }
}
