// Small byte helpers shared by every binary format in this module (all little-endian).

/// Hex encoding for digests and keys in files, CLI arguments and error messages.
public enum Hex {
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }

    /// Decodes lowercase or uppercase hex; nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return char - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Appends fixed-width little-endian fields.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { bytes += [UInt8(value & 0xff), UInt8(value >> 8)] }
    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xff)) }
    }
    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8((value >> UInt64(shift)) & 0xff)) }
    }
    mutating func raw<C: Collection>(_ data: C) where C.Element == UInt8 { bytes += data }
    /// A fixed-size field: `data` is zero-padded (callers check it is not longer).
    mutating func fixed(_ data: [UInt8], size: Int) {
        bytes += data.prefix(size)
        if data.count < size { bytes += [UInt8](repeating: 0, count: size - data.count) }
    }
    /// A length-prefixed field, so that concatenated fields cannot be re-split differently.
    mutating func lengthPrefixed(_ data: [UInt8]) {
        u32(UInt32(data.count))
        raw(data)
    }
}

/// Reads fixed-width little-endian fields; callers check the total size first.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ count: Int) -> [UInt8] {
        let slice = Array(bytes[offset..<offset + count])
        offset += count
        return slice
    }
    mutating func u16() -> UInt16 {
        let pair = take(2)
        return UInt16(pair[0]) | UInt16(pair[1]) << 8
    }
}

/// Compares secrets and digests without an early exit.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var diff: UInt8 = 0
    for index in 0..<lhs.count { diff |= lhs[index] ^ rhs[index] }
    return diff == 0
}
