// Sealed blobs: AES-256-GCM under a sealing key, with a header that is authenticated too.
// Layout v1: magic "RSEAL\0" | u16 version=1 | u32 policy | 12-byte nonce | ciphertext | 16-byte tag.
import Crypto

public enum Sealing {
    static let magic: [UInt8] = Array("RSEAL".utf8) + [0]
    static let headerSize = 12

    public static func seal(_ plaintext: [UInt8], key: [UInt8], policy: SealPolicy) throws -> [UInt8] {
        let header = makeHeader(policy: policy)
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key), authenticating: header)
        return header + Array(box.nonce) + Array(box.ciphertext) + Array(box.tag)
    }

    /// The policy a blob was sealed under, so the unsealer can derive the matching key.
    public static func policy(of blob: [UInt8]) -> SealPolicy? {
        guard blob.count >= headerSize + 28, Array(blob[0..<6]) == magic, blob[6] == 1, blob[7] == 0 else { return nil }
        let raw = UInt32(blob[8]) | UInt32(blob[9]) << 8 | UInt32(blob[10]) << 16 | UInt32(blob[11]) << 24
        return SealPolicy(rawValue: raw)
    }

    /// Fails (authentication error) when the key belongs to another enclave identity.
    public static func unseal(_ blob: [UInt8], key: [UInt8]) throws -> [UInt8] {
        guard policy(of: blob) != nil else { throw EvidenceError(description: "not a sealed blob") }
        let header = Array(blob[0..<headerSize])
        let box = try AES.GCM.SealedBox(combined: Array(blob[headerSize...]))
        return Array(try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: header))
    }

    static func makeHeader(policy: SealPolicy) -> [UInt8] {
        var writer = ByteWriter()
        writer.raw(magic)
        writer.u16(1)
        writer.u32(policy.rawValue)
        return writer.bytes
    }
}
