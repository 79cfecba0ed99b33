// Reading config.json: one-line errors that name the file and the field, as runc's users expect.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A config/state/features JSON problem, already phrased as one line
/// (`config.json: process.args: expected array, found string`).
public struct SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Spec {
    /// Reads and decodes `<bundle>/config.json`. Does not validate; call `validate(bundle:)` next.
    public static func load(bundle: String) throws(SpecError) -> Spec {
        return try decode(data: try OCIJSON.readFile(bundlePath(bundle, "config.json")), name: "config.json")
    }

    /// `name` inside `bundle`; an empty bundle means the current directory, as runc's default ".".
    static func bundlePath(_ bundle: String, _ name: String) -> String {
        if bundle.isEmpty { return name }
        return bundle.hasSuffix("/") ? bundle + name : bundle + "/" + name
    }

    /// Decodes config.json bytes; `name` prefixes error messages.
    public static func decode(data: some Collection<UInt8>, name: String = "config.json") throws(SpecError) -> Spec {
        try OCIJSON.decode(Spec.self, from: data, name: name)
    }
}

/// Entry points of the JSON layer for all OCISpec documents (config.json, state.json, features).
public enum OCIJSON {
    /// Parses and decodes with Go semantics (unknown keys ignored, missing fields zero).
    public static func decode<T: Decodable>(_ type: T.Type, from data: some Collection<UInt8>, name: String)
        throws(SpecError) -> T {
        let value: JSONValue
        do {
            value = try JSONParser.parse(data)
        } catch {
            throw SpecError("\(name): \(error)")
        }
        do {
            return try JSONTreeDecoding.decode(T.self, from: value)
        } catch {
            throw SpecError("\(name): \(error)")
        }
    }

    /// Encodes as Go's json.Marshal (indent nil) or json.MarshalIndent with the given indent.
    public static func encode<T: Encodable>(_ value: T, indent: String? = nil) -> String {
        do {
            return JSONWriter.write(try JSONTreeEncoding.encode(value), indent: indent)
        } catch {
            // Only non-finite floating-point values fail, and the OCI types have none.
            preconditionFailure("OCISpec types always encode: \(error)")
        }
    }

    /// Reads a whole file; errors read like Go's (`open /b/config.json: no such file or directory`).
    public static func readFile(_ path: String) throws(SpecError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SpecError("open \(path): \(errnoText(errno))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        // A small chunk: a zeroed 64 KiB buffer alone was 2% of a short-lived rune's peak RSS.
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw SpecError("read \(path): \(errnoText(errno))")
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// strerror text in Go's lower-case style ("no such file or directory").
    static func errnoText(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
