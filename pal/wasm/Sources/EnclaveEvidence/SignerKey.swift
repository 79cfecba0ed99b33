// Signer key files: KEY holds the 32-byte Ed25519 private key as hex (mode 0600), KEY.pub the public key.
import Crypto

public enum SignerKey {
    public static func generate(path: String) throws -> Curve25519.Signing.PrivateKey {
        guard !FileIO.exists(path) else { throw FileError(path: path, reason: "already exists (refusing to overwrite a key)") }
        let key = Curve25519.Signing.PrivateKey()
        try FileIO.write(path, Array((Hex.encode(key.rawRepresentation) + "\n").utf8), mode: 0o600, exclusive: true)
        do {
            try FileIO.write(path + ".pub", Array((Hex.encode(key.publicKey.rawRepresentation) + "\n").utf8))
        } catch {
            _ = path.withCString { unlinkFile($0) }
            throw error
        }
        return key
    }

    public static func load(path: String) throws -> Curve25519.Signing.PrivateKey {
        let bytes = try readHexFile(path, expected: 32)
        return try Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
    }

    /// Reads a file holding one hex value (whitespace around it ignored) of `expected` bytes.
    public static func readHexFile(_ path: String, expected: Int) throws -> [UInt8] {
        let text = String(decoding: try FileIO.read(path, limit: 4096), as: UTF8.self)
        let trimmed = text.filter { !$0.isWhitespace }
        guard let bytes = Hex.decode(trimmed), bytes.count == expected else {
            throw FileError(path: path, reason: "expected \(expected * 2) hex digits")
        }
        return bytes
    }
}

#if canImport(Glibc)
import Glibc
private func unlinkFile(_ path: UnsafePointer<CChar>) -> Int32 { unlink(path) }
#endif
