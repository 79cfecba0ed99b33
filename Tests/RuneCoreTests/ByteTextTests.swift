import RuneSystem
import Testing

/// RuneSystem's byte-level text helpers must write and compare what the stdlib does for rune's input.
@Suite struct ByteTextTests {
    @Test func decimalMatchesStringInit() {
        let signed: [Int64] = [0, 1, -1, 9, 10, -10, 4096, 1_000_000_007, Int64(Int32.max), Int64(Int32.min), .max, .min]
        for value in signed {
            #expect(String(decimal: value) == String(value))
            #expect(String(decimal: Int(value)) == String(value))
        }
        for value: UInt64 in [0, 7, 10, 65535, UInt64(UInt32.max), .max] { #expect(String(decimal: value) == String(value)) }
        for value: Int32 in [0, -1, 42, .max, .min] { #expect(String(decimal: value) == String(value)) }
        for value: UInt32 in [0, 42, .max] { #expect(String(decimal: value) == String(value)) }
    }

    @Test func decimalPadsToWidth() {
        #expect(String(decimal: 7, width: 2) == "07")
        #expect(String(decimal: 2026, width: 4) == "2026")
        #expect(String(decimal: 12345, width: 2) == "12345")
        #expect(String(decimal: 711_545, width: 9) == "000711545")
        #expect(String(decimal: Int64(-5), width: 3) == "-005")
        #expect(String(decimal: 0, width: 0) == "0")
    }

    @Test func bytePrefixAgreesWithHasPrefixOnPathsAndFlags() {
        let cases: [(String, String)] = [
            ("/a/b", "/"), ("a/b", "/"), ("", ""), ("", "/"), ("/", ""), ("--root", "-"), ("-", "-"),
            ("name=systemd", "name="), ("PATH=/bin", "PATH="), ("/sys/fs/cgroup/cpu", "/sys/fs/cgroup/"), ("1.2.0", "1."),
        ]
        for (text, prefix) in cases { #expect(text.hasBytePrefix(prefix) == text.hasPrefix(prefix), "\(text) \(prefix)") }
    }

    @Test func byteTrimmingTakesTheNamedBytesFromBothEnds() {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }
        #expect(" \n 42 1\n\n".trimmingBytes(where: blank) == "42 1")
        #expect("\t42\t".trimmingBytes(where: blank) == "\t42\t")
        #expect(" \n ".trimmingBytes(where: blank) == "")
        #expect("".trimmingBytes(where: blank) == "")
        #expect(Array("  x ".utf8)[...].trimmingBytes(where: blank) == Array("x".utf8)[...])
    }

    @Test func byteJoinMatchesJoinedSeparator() {
        let cases: [[String]] = [[], [""], ["a"], ["a", "b"], ["", ""], ["size=64k", "mode=755"], ["é", "ü/x", ""]]
        for parts in cases {
            #expect(parts.joined(byte: UInt8(ascii: ",")) == parts.joined(separator: ","))
            #expect(parts.joined(byte: UInt8(ascii: "/")) == parts.joined(separator: "/"))
        }
    }
}
