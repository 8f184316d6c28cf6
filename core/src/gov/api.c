/*
 * api.c - the public governance calls that are thin: the digest and canonical text a
 * policy carries from loading, its approvals, and the canonical text form.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "model/policy.h"

#include <string.h>

const char *lc_policy_digest(const lc_policy *p)
{
    return p ? p->digest : NULL;
}

const char *lc_policy_canonical_json(const lc_policy *p, size_t *len)
{
    if (len)
        *len = p ? p->canon_len : 0;
    return p ? p->canon : NULL;
}

bool lc_policy_approved(const lc_policy *p)
{
    for (size_t i = 0; p && i < p->n_approvals; i++)
        if (strcmp(p->approvals[i].digest, p->digest) == 0)
            return true;
    return false;
}

void lc_free(void *p)
{
    lc__free(p);
}

lc_status lc_policy_format(const char *name, const char *buf, size_t len, char **pout,
                           size_t *pout_len, lc_diags *diags)
{
    if (!name || (!buf && len) || !pout)
        return LC_EINVAL;
    *pout = NULL;
    lc_policy *p = NULL;
    lc_status rc = lc_policy_load_buffer(name, buf ? buf : "", len, &p, diags);
    lc_policy_free(p);
    if (rc)
        return rc;
    lc__buf out = {0};
    rc = lc__fmt(name, buf ? buf : "", len, &out, diags);
    if (rc) {
        lc__buf_free(&out);
        return rc;
    }
    *pout = out.p;
    if (pout_len)
        *pout_len = out.len;
    return LC_OK;
}
