/*
 * conditions.c - a deleveraging rule's condition against a margin pool: the account's
 * cross part or one isolated position, with the positions it holds.
 *
 * margin_ratio and leverage are +infinity when equity <= 0, so "margin_ratio >= x" holds
 * for a pool with nothing left to lose.
 */
#include "base/prefix.h"

#include "rules/rules.h"

#include <math.h>
#include <string.h>

double lc__position_metric(const lc_position_result *p, int metric)
{
    switch ((lc__pmetric)metric) {
    case LC__PM_NOTIONAL:
        return p->notional;
    case LC__PM_UPNL:
        return p->upnl;
    case LC__PM_MM:
        return p->maintenance_margin;
    case LC__PM_IM:
        return p->initial_margin;
    case LC__PM_TIER:
        return p->tier;
    case LC__N_PMETRICS:
        break;
    }
    return (double)NAN;
}

/* The first position of "pl" (of the condition's market) meeting every comparison. */
static const lc_position_result *position_match(const lc__cond *c, const lc__pool *pl)
{
    for (size_t i = 0; i < pl->n; i++) {
        const lc_position_result *p = pl->pos[i];
        if (c->market >= 0 && pl->market[i] != (uint32_t)c->market)
            continue;
        bool all = true;
        for (size_t k = 0; all && k < c->n; k++)
            all = lc__compare(lc__position_metric(p, c->kids[k]->metric), c->kids[k]->op,
                          c->kids[k]->value);
        if (all)
            return p;
    }
    return NULL;
}


bool lc__cond_holds(const lc_policy *pol, const lc__cond *c, const lc__pool *pl)
{
    switch (c->kind) {
    case LC__C_CMP:
        return lc__compare(pl->metric[c->metric], c->op, c->value);
    case LC__C_ALL:
        for (size_t i = 0; i < c->n; i++)
            if (!lc__cond_test(pol, c->kids[i], pl))
                return false;
        return true;
    case LC__C_ANY:
        for (size_t i = 0; i < c->n; i++)
            if (lc__cond_test(pol, c->kids[i], pl))
                return true;
        return false;
    case LC__C_NOT:
        return !lc__cond_holds(pol, c->kids[0], pl);
    case LC__C_POSITION:
        return position_match(c, pl) != NULL;
    }
    return false;
}

/* Adds the figures condition "c" reads to "v" (room "cap"; returns the new count). */
static size_t collect(const lc_policy *pol, const lc__cond *c, const lc__pool *pl,
                      lc_rule_value *v, size_t n, size_t cap, lc__arena *arena)
{
    switch (c->kind) {
    case LC__C_CMP:
        for (size_t i = 0; i < n; i++) /* pool figures are named by the one string */
            if (v[i].name == lc__metric_names[c->metric])
                return n;
        if (n < cap)
            v[n++] = (lc_rule_value){lc__metric_names[c->metric], pl->metric[c->metric]};
        return n;
    case LC__C_ALL:
    case LC__C_ANY:
    case LC__C_NOT:
        for (size_t i = 0; i < c->n; i++)
            n = collect(pol, c->kids[i], pl, v, n, cap, arena);
        return n;
    case LC__C_POSITION: {
        const lc_position_result *p = position_match(c, pl);
        for (size_t k = 0; p && k < c->n && n < cap; k++) {
            char name[96];
            snprintf(name, sizeof name, "%s.%s", p->market, lc__pmetric_names[c->kids[k]->metric]);
            const char *kept = lc__arena_strndup(arena, name, strlen(name));
            if (!kept)
                return n;
            v[n++] = (lc_rule_value){kept, lc__position_metric(p, c->kids[k]->metric)};
        }
        return n;
    }
    }
    return n;
}

size_t lc__cond_values(const lc_policy *pol, const lc__cond *c, const lc__pool *pl,
                       lc_rule_value *out, size_t cap, lc__arena *arena)
{
    return collect(pol, c, pl, out, 0, cap, arena);
}
