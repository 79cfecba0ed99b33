# skeleton.mk: build the skeleton test PAL in its three API flavours.
#   make -f pal/skeleton/skeleton.mk OUT=DIR   ->  DIR/liberpal-skeleton-v1.so, -v2.so, -v3.so
# Compiled against the project's public header Sources/CEnclavePAL/include/pal.h.
SKELETON_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
PAL_INCLUDE := $(SKELETON_DIR)/../../Sources/CEnclavePAL/include
OUT ?= out
CC ?= cc
CFLAGS ?= -O2 -g
SKELETON_SRCS := $(addprefix $(SKELETON_DIR)/,skeleton.c skeleton_config.c skeleton_proc.c skeleton_report.c)
SKELETON_HDRS := $(SKELETON_DIR)/skeleton_internal.h $(PAL_INCLUDE)/pal.h
SKELETON_FLAGS := -std=gnu11 -D_GNU_SOURCE -fPIC -fvisibility=hidden -Wall -Wextra -Werror -I$(PAL_INCLUDE) -I$(SKELETON_DIR)

SKELETON_LIBS := $(OUT)/liberpal-skeleton-v1.so $(OUT)/liberpal-skeleton-v2.so $(OUT)/liberpal-skeleton-v3.so

.PHONY: skeleton
skeleton: $(SKELETON_LIBS)

$(OUT)/liberpal-skeleton-v%.so: $(SKELETON_SRCS) $(SKELETON_HDRS)
	@mkdir -p $(OUT)
	$(CC) $(SKELETON_FLAGS) $(CFLAGS) -DPAL_IMPLEMENTS_VERSION=$* -shared -Wl,-z,defs -o $@ $(SKELETON_SRCS) -lpthread
