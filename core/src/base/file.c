/*
 * file.c - reading whole input files and resolving paths relative to a policy.
 *
 * Inputs are read into one buffer, which the parsers scan in place; standard input is
 * read the same way so "-" behaves like any file.
 */
#define _DEFAULT_SOURCE /* madvise and MADV_DONTNEED (posix_madvise's DONTNEED does nothing) */
#include "base/prefix.h"

#include "base/base.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ==== The input limit ==================================================== */

#define DEFAULT_LIMIT_MIB 1024

static size_t input_limit; /* bytes; 0 until first asked */

void lc_set_input_limit(size_t bytes)
{
    input_limit = bytes;
}

size_t lc_input_limit(void)
{
    if (input_limit)
        return input_limit;
    size_t mib = DEFAULT_LIMIT_MIB;
    const char *env = getenv("LEVCAL_MAX_INPUT_MB");
    if (env && *env) {
        char *end;
        unsigned long long v = strtoull(env, &end, 10);
        if (*end == '\0' && v > 0 && v < ((size_t)-1 >> 20))
            mib = (size_t)v;
    }
    return mib << 20;
}

static lc_status too_big(const char *label, lc_diags *d)
{
    size_t lim = lc_input_limit();
    lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_LIMIT, label, 0, 0,
                 "larger than the input limit of %zu MiB (%zu bytes); set LEVCAL_MAX_INPUT_MB "
                 "to read larger inputs", lim >> 20, lim);
    return LC_EINPUT;
}

/* ==== Reading ============================================================ */

lc_status lc__read_file(const char *path, char **pbuf, size_t *plen, lc_diags *d)
{
    *pbuf = NULL;
    *plen = 0;
    bool is_stdin = strcmp(path, "-") == 0;
    const char *label = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, label, 0, 0, "cannot open: %s", strerror(errno));
        return LC_EIO;
    }

    lc_status rc = LC_OK;
    size_t cap = 1 << 16, len = 0;
    struct stat st;
    if (!is_stdin && fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, label, 0, 0, "is a directory, expected a file");
            rc = LC_EIO;
            goto out;
        }
        if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > lc_input_limit()) {
            rc = too_big(label, d);
            goto out;
        }
        if (st.st_size > 0 && S_ISREG(st.st_mode))
            cap = (size_t)st.st_size + 1;
    }
    /* Endless sources (/dev/zero, a pipe that never closes) stop at the limit. */
    size_t limit = lc_input_limit();
    char *buf = lc__malloc(cap);
    if (!buf) {
        rc = LC_ENOMEM;
        goto out;
    }
    for (;;) {
        if (len > limit) {
            lc__free(buf);
            rc = too_big(label, d);
            goto out;
        }
        if (cap - len < 2) {
            size_t nc = cap * 2 > limit + 2 ? limit + 2 : cap * 2;
            if (nc <= cap)
                nc = cap + 2;
            char *nb = lc__realloc(buf, nc);
            if (!nb) {
                lc__free(buf);
                rc = LC_ENOMEM;
                goto out;
            }
            buf = nb;
            cap = nc;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, label, 0, 0, "read error: %s", strerror(errno));
        lc__free(buf);
        rc = LC_EIO;
        goto out;
    }
    buf[len] = '\0';
    *pbuf = buf;
    *plen = len;
out:
    if (!is_stdin)
        fclose(f);
    return rc;
}

lc_status lc__file_open(lc__file *f, const char *path, lc_diags *d)
{
    memset(f, 0, sizeof(*f));
    if (strcmp(path, "-") != 0) {
        int fd = open(path, O_RDONLY);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            (uintmax_t)st.st_size > lc_input_limit()) {
            close(fd);
            return too_big(path, d);
        }
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
            void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            close(fd);
            if (m != MAP_FAILED) {
                posix_madvise(m, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
                f->map = m;
                f->data = m;
                f->len = (size_t)st.st_size;
                return LC_OK;
            }
        } else if (fd >= 0) {
            close(fd);
        }
    }
    /* Standard input, empty or special files, or a failed map: read it (and let
     * lc__read_file word any error). */
    size_t len;
    lc_status rc = lc__read_file(path, &f->heap, &len, d);
    if (rc == LC_OK) {
        f->data = f->heap;
        f->len = len;
    }
    return rc;
}

const char *lc__behind_drop(lc__behind *b, const char *from, const char *to)
{
    if (!b || !b->base)
        return from;
    size_t hashed = atomic_load_explicit(&b->hashed, memory_order_acquire);
    if (to > b->base + hashed)
        to = b->base + hashed;
    /* Whole pages inside [from, to) only: a page across either end may still be read,
     * by this reader or by the one whose part begins there. */
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)from + page - 1) & ~(page - 1), hi = (uintptr_t)to & ~(page - 1);
    if (hi <= lo)
        return from;
    /* Advice only: where the kernel declines, the pages stay and nothing else changes. */
    (void)madvise((void *)lo, (size_t)(hi - lo), MADV_DONTNEED);
    return from + (hi - (uintptr_t)from);
}

void lc__file_close(lc__file *f)
{
    if (f->map)
        munmap(f->map, f->len);
    lc__free(f->heap);
    memset(f, 0, sizeof(*f));
}

char *lc__path_join_dir(const char *path, const char *rel)
{
    if (rel[0] == '/')
        return lc__strdup(rel);
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    size_t rl = strlen(rel);
    char *r = lc__malloc(dl + rl + 1);
    if (r) {
        memcpy(r, path, dl);
        memcpy(r + dl, rel, rl + 1);
    }
    return r;
}
