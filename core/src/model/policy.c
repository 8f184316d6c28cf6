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

/* A slot holds the market's index + 1 in its low half (0: empty) and its name's hash in
 * the high half, so that a probe compares names only where the hashes agree. */
long lc__policy_find(const lc_policy *p, const char *name, size_t len)
{
    if (!p->index_cap)
        return -1;
    size_t mask = p->index_cap - 1;
    uint32_t h = lc__hash(name, len);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint64_t slot = p->index[i];
        if (!slot)
            return -1;
        if ((uint32_t)(slot >> 32) != h)
            continue;
        const lc__market *m = &p->markets[(uint32_t)slot - 1];
        if (m->name_len == len && lc__same_bytes(m->name, name, len))
            return (long)(uint32_t)slot - 1;
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
        p->markets[m].name_len = strlen(name);
        uint32_t h = lc__hash(name, p->markets[m].name_len);
        size_t i = h & (cap - 1);
        while (p->index[i])
            i = (i + 1) & (cap - 1);
        p->index[i] = (uint64_t)h << 32 | ((uint32_t)m + 1);
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
