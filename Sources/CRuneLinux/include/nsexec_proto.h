/* Frame types on the init socket shared by nsexec.c and Swift (RuneCore/InitProtocol.swift). */
#ifndef RUNE_NSEXEC_PROTO_H
#define RUNE_NSEXEC_PROTO_H
#include <stdint.h>
enum {
    RUNE_BOOT_END = 0, RUNE_BOOT_CLONE_FLAGS = 1, RUNE_BOOT_NS_PATH = 2, RUNE_BOOT_UID_MAP = 3,
    RUNE_BOOT_GID_MAP = 4, RUNE_BOOT_SETGROUPS_DENY = 5, RUNE_BOOT_OOM_SCORE_ADJ = 6,
    RUNE_BOOT_CGROUP_TASKS = 7, RUNE_BOOT_CGROUP2_DIR = 8, RUNE_BOOT_PLACE_LATER = 9,
    RUNE_MSG_PIDS = 100, RUNE_MSG_ERROR = 101,
};
int rune_frame_write(int fd, uint32_t type, const void *data, uint32_t len);
#endif
