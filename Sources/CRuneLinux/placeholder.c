#include "rune_linux.h"
