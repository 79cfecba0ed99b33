// A 432-byte record shaped like an SGX REPORT, for pal_get_local_report callers (PAL v3).
// Offsets follow sgx_report_t: body (384) = cpusvn[16]@0, miscselect u32@16, reserved[12]@20,
// isvExtProdId[16]@32, attributes{flags u64, xfrm u64}@48, mrenclave[32]@64, reserved[32]@96,
// mrsigner[32]@128, reserved[32]@160, configId[64]@192, isvProdId u16@256, isvSvn u16@258,
// configSvn u16@260, reserved[42]@262, isvFamilyId[16]@304, reportData[64]@320;
// then keyId[32]@384 (= platform key id) and mac[16]@416 = HMAC-SHA256(report key of the target, body)[0..<16].
// The target's MRENCLAVE is read from TARGETINFO offset 0 (32 bytes), as in sgx_target_info_t.
import Crypto

public enum LocalReport {
    public static let size = 432
    public static let targetInfoSize = 512
    public static let bodySize = 384
    /// SGX attribute flags: INIT | MODE64BIT, plus DEBUG for debug enclaves.
    static let flagInit: UInt64 = 0x1, flagDebug: UInt64 = 0x2, flagMode64: UInt64 = 0x4

    public static func make(identity: EnclaveIdentity, targetInfo: [UInt8], reportData: [UInt8] = [],
                            platform: PlatformKey) -> [UInt8] {
        var body = ByteWriter()
        body.fixed([], size: 48)                                   // cpusvn, miscselect, reserved, isvExtProdId
        body.u64(flagInit | flagMode64 | (identity.debug ? flagDebug : 0))
        body.u64(0x3)                                              // xfrm: x87 | SSE
        body.fixed(identity.measurement, size: 32)
        body.fixed([], size: 32)
        body.fixed(identity.signer, size: 32)
        body.fixed([], size: 32 + 64)                              // reserved, configId
        body.u16(identity.productId)
        body.u16(identity.svn)
        body.fixed([], size: 2 + 42 + 16)                          // configSvn, reserved, isvFamilyId
        body.fixed(reportData, size: 64)
        let target = Array(targetInfo.prefix(32))
        let mac = HMAC<SHA256>.authenticationCode(for: body.bytes,
                                                  using: SymmetricKey(data: platform.reportKey(targetMeasurement: target)))
        return body.bytes + platform.keyId + Array(mac).prefix(16)
    }

    /// What the target enclave does with a report: recompute the MAC with its own report key.
    public static func verifyMac(_ report: [UInt8], targetMeasurement: [UInt8], platform: PlatformKey) -> Bool {
        guard report.count == size else { return false }
        let body = Array(report[0..<bodySize])
        let mac = HMAC<SHA256>.authenticationCode(for: body,
                                                  using: SymmetricKey(data: platform.reportKey(targetMeasurement: targetMeasurement)))
        return constantTimeEqual(Array(Array(mac).prefix(16)), Array(report[416..<432]))
    }
}
