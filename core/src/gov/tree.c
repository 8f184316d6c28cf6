/*
 * tree.c - what the governance tools share: reading a policy's tree again, with its
 * positions, and finding keys in it.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "syntax/reader.h"

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
