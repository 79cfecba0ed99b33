/* shim.h: libseccomp, plus wrappers for its function-like macros that Swift cannot import. */
#include <seccomp.h>
static inline uint32_t rune_scmp_act_errno(uint16_t e) { return SCMP_ACT_ERRNO(e); }
static inline uint32_t rune_scmp_act_trace(uint16_t e) { return SCMP_ACT_TRACE(e); }
