/*
 * policy.c - reading a loaded policy: its identity, its markets by position and by name.
 *
 * Markets are found by name through a small open-addressing index built once the policy
 * is loaded, since portfolio loading looks up the market of every position.
 */
#include "base/prefix.h"

#include "model/policy.h"

#include <string.h>

/* ==== Market index ====================================================== */

long lc__policy_find(const lc_policy *p, const char *name, size_t len)
{
    if (!p->index_cap)
        return -1;
    size_t mask = p->index_cap - 1;
    for (size_t i = lc__hash(name, len) & mask;; i = (i + 1) & mask) {
        uint32_t slot = p->index[i];
        if (!slot)
            return -1;
        const char *m = p->markets[slot - 1].name;
        if (strncmp(m, name, len) == 0 && m[len] == '\0')
            return (long)slot - 1;
    }
}

lc_status lc__policy_build_index(lc_policy *p)
{
    size_t cap = 16;
    while (cap < p->n_markets * 2)
        cap *= 2;
    p->index = lc__arena_alloc(&p->arena, cap * sizeof(*p->index));
    if (!p->index)
        return LC_ENOMEM;
    memset(p->index, 0, cap * sizeof(*p->index));
    p->index_cap = cap;
    for (size_t m = 0; m < p->n_markets; m++) {
        const char *name = p->markets[m].name;
        size_t i = lc__hash(name, strlen(name)) & (cap - 1);
        while (p->index[i])
            i = (i + 1) & (cap - 1);
        p->index[i] = (uint32_t)m + 1;
    }
    return LC_OK;
}

const char *lc_policy_id(const lc_policy *p)
{
    return p->id;
}

int64_t lc_policy_version(const lc_policy *p)
{
    return p->version;
}

size_t lc_policy_market_count(const lc_policy *p)
{
    return p->n_markets;
}

const char *lc_policy_market_name(const lc_policy *p, size_t i)
{
    return i < p->n_markets ? p->markets[i].name : NULL;
}

const lc_tier *lc_policy_tiers(const lc_policy *p, size_t i, size_t *n)
{
    if (i >= p->n_markets) {
        if (n)
            *n = 0;
        return NULL;
    }
    if (n)
        *n = p->markets[i].n_tiers;
    return p->markets[i].tiers;
}
