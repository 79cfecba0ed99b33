/* CPal is header-only: the module map exposes rune's pal.h to the Swift PAL. */
