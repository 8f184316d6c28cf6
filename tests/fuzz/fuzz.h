/*
 * fuzz.h - what the fuzz targets share: the libFuzzer entry point, and a scratch file
 * for inputs the library reads by path.
 */
#ifndef LC_FUZZ_H
#define LC_FUZZ_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "levcal/levcal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes "data" to a per-process scratch file and returns its path (static storage). */
static inline const char *fuzz_file(const char *suffix, const uint8_t *data, size_t size)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/levcal-fuzz-%ld%s", (long)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    return path;
}

/* A sink for reports: every byte is produced, none is kept. */
static inline FILE *fuzz_sink(void)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    return sink;
}

#endif
