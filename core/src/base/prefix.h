/*
 * lc_prefix.h - included first by every levcal source file.
 *
 * Strict -std=c11 hides POSIX declarations (strdup, fileno, dladdr's friends); defining the
 * feature macro here, before any system header, makes them visible everywhere at once.
 */
#ifndef LC_PREFIX_H
#define LC_PREFIX_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#endif
