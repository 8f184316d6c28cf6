/*
 * tree.c - what the governance tools share: reading a policy's tree again, with its
 * positions, and finding keys in it.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "syntax/reader.h"

#include <stdio.h>
#include <string.h>

lc_status lc__gov_parse(const char *name, const char *buf, size_t len, lc__arena *a,
                        lc__node **proot, lc_diags *d)
{
    lc__reader *r = NULL;
    *proot = NULL;
    lc_status rc = lc__reader_open(&r, name, buf, len, false, d);
    if (rc == LC_OK)
        rc = lc__node_parse(r, a, proot);
    lc__reader_close(r);
    return rc;
}

const lc__node *lc__gov_get(const lc__node *m, const char *key, const lc__node **pk)
{
    if (!m || m->kind != LC__NODE_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const lc__node *k = m->kids[i];
        if (k->kind == LC__NODE_SCALAR && strcmp(k->s, key) == 0) {
            if (pk)
                *pk = k;
            return m->kids[i + 1];
        }
    }
    return NULL;
}

void lc__gov_json_str(FILE *out, const char *s)
{
    lc__gov_json_mem(out, s ? s : "", s ? strlen(s) : 0);
}

void lc__gov_json_mem(FILE *out, const char *s, size_t len)
{
    /* Written straight to the stream: a writer never allocates, so it cannot fail halfway
     * for want of memory and leave a wrong value behind. */
    static const char hex[] = "0123456789abcdef";
    fputc('"', out);
    for (const char *end = s + len; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        default:
            if (c < 0x20) {
                fputs("\\u00", out);
                fputc(hex[c >> 4], out);
                fputc(hex[c & 15], out);
            } else {
                fputc(c, out);
            }
        }
    }
    fputc('"', out);
}
