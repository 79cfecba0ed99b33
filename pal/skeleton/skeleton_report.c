/* skeleton_report.c: v3 attestation calls with FAKE data. Nothing here is evidence of anything:
 * the report is a deterministic function of the TARGETINFO, and the evidence says "fake" in its first field. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "skeleton_internal.h"

#if PAL_IMPLEMENTS_VERSION >= 3

#define FAKE_MARKER "SKELETON-FAKE-REPORT"

static uint64_t fnv1a(const unsigned char *data, size_t len, uint64_t hash)
{
    for (size_t i = 0; i < len; i++) {
        hash ^= data[i];
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

/* 432 bytes: marker, then an FNV-1a stream keyed by the whole TARGETINFO (same input, same report). */
static void fake_report(const unsigned char *targetinfo, unsigned char report[PAL_SGX_REPORT_SIZE])
{
    uint64_t seed = fnv1a(targetinfo, PAL_SGX_TARGETINFO_SIZE, 0xcbf29ce484222325ULL);
    for (size_t off = 0; off < PAL_SGX_REPORT_SIZE; off += 8) {
        uint64_t block = fnv1a((const unsigned char *)&off, sizeof(off), seed);
        memcpy(report + off, &block, 8);
    }
    memcpy(report, FAKE_MARKER, sizeof(FAKE_MARKER) - 1);
}

int pal_get_local_report(void *targetinfo, int targetinfo_len, void *report, int *report_len)
{
    int rc = skeleton_enter("pal_get_local_report", "targetinfo_len=%d report_len=%d", targetinfo_len,
                            report_len ? *report_len : -1);
    if (rc)
        return rc;
    if (!targetinfo || targetinfo_len != PAL_SGX_TARGETINFO_SIZE || !report || !report_len)
        return -EINVAL;
    if (*report_len < PAL_SGX_REPORT_SIZE) {
        *report_len = PAL_SGX_REPORT_SIZE; /* tell the caller what it needs */
        return -EINVAL;
    }
    fake_report(targetinfo, report);
    *report_len = PAL_SGX_REPORT_SIZE;
    return 0;
}

static void hex(char *out, const unsigned char *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * len] = '\0';
}

/* JSON text, NUL not included: {"tee":"skeleton-fake", ..., "reportData":"<hex>"}. */
int pal_get_evidence(const void *report_data, int report_data_len, void *evidence, int *evidence_len)
{
    int rc = skeleton_enter("pal_get_evidence", "report_data_len=%d evidence_len=%d", report_data_len,
                            evidence_len ? *evidence_len : -1);
    if (rc)
        return rc;
    if ((!report_data && report_data_len) || report_data_len < 0 || report_data_len > 64 || !evidence_len)
        return -EINVAL;
    char data_hex[129];
    hex(data_hex, report_data, (size_t)report_data_len);
    char text[512];
    int len = snprintf(text, sizeof(text),
                       "{\"tee\":\"skeleton-fake\",\"fake\":true,\"version\":1,\"pal\":\"skeleton-v%d\","
                       "\"reportData\":\"%s\"}",
                       PAL_IMPLEMENTS_VERSION, data_hex);
    if (!evidence || *evidence_len < len) {
        *evidence_len = len;
        return -EINVAL;
    }
    memcpy(evidence, text, (size_t)len);
    *evidence_len = len;
    return 0;
}

#endif
