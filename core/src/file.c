/*
 * file.c - reading whole input files and resolving paths relative to a policy.
 *
 * Inputs are read into one buffer, which the parsers scan in place; standard input is
 * read the same way so "-" behaves like any file.
 */
#include "lc_prefix.h"

#include "lc_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

lc_status lc__read_file(const char *path, char **pbuf, size_t *plen, lc_diags *d)
{
    *pbuf = NULL;
    *plen = 0;
    bool is_stdin = strcmp(path, "-") == 0;
    const char *label = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        lc__diag_add(d, LC_SEV_ERROR, label, 0, 0, "cannot open: %s", strerror(errno));
        return LC_EIO;
    }

    lc_status rc = LC_OK;
    size_t cap = 1 << 16, len = 0;
    struct stat st;
    if (!is_stdin && fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            lc__diag_add(d, LC_SEV_ERROR, label, 0, 0, "is a directory, expected a file");
            rc = LC_EIO;
            goto out;
        }
        if (st.st_size > 0)
            cap = (size_t)st.st_size + 1;
    }
    char *buf = lc__malloc(cap);
    if (!buf) {
        rc = LC_ENOMEM;
        goto out;
    }
    for (;;) {
        if (cap - len < 2) {
            char *nb = lc__realloc(buf, cap * 2);
            if (!nb) {
                lc__free(buf);
                rc = LC_ENOMEM;
                goto out;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        lc__diag_add(d, LC_SEV_ERROR, label, 0, 0, "read error: %s", strerror(errno));
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
