/*
 * deleverage.c - a policy's deleveraging rules on an evaluated account: every rule each
 * margin pool (the cross part, each isolated position) matches, built-in and policy, the
 * status the most severe calls for, the plan that carries out a liquidation or a
 * deleverage, and the bankruptcy price of every position of a liquidated pool.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "rules/rules.h"

#include <math.h>
#include <string.h>

#define MAX_VALUES 16

static const char *const builtin_text[] = {"equity <= 0 or margin_ratio >= 1", "available < 0",
                                           "position(notional >= the market's last cap)"};

/* Appends rule match "m" with the figures "c" read (NULL for a built-in's own). */
static lc_status add_match(const lc_policy *pol, const lc__pool *pl, lc_rule_match *m,
                           const lc__cond *c, const lc_rule_value *own, size_t n_own,
                           lc__arena *arena)
{
    lc_rule_value v[MAX_VALUES];
    size_t n = c ? lc__cond_values(pol, c, pl, v, MAX_VALUES, arena) : n_own;
    if (!c)
        memcpy(v, own, n_own * sizeof(*v));
    lc_rule_value *kept = lc__arena_alloc(arena, (n ? n : 1) * sizeof(*kept));
    if (!kept)
        return LC_ENOMEM;
    memcpy(kept, v, n * sizeof(*v));
    m->values = kept;
    m->n_values = n;
    return LC_OK;
}

/* Every rule pool "pl" matches, into an arena array; *pworst the most severe action. */
static lc_status match_rules(const lc_policy *pol, const lc__pool *pl, bool has_cross,
                             const lc_rule_match **prules, size_t *pn, lc_verdict *pworst,
                             lc__arena *arena)
{
    size_t cap = 3 + pol->delev.n_rules, n = 0;
    lc_rule_match *m = lc__arena_alloc(arena, cap * sizeof(*m));
    if (!m)
        return LC_ENOMEM;
    lc_verdict worst = LC_VERDICT_OK;
    double eq = pl->equity;
    lc_status rc = LC_OK;
    if (has_cross && (!(eq > 0) || pl->mm >= eq)) {
        lc_rule_value v[2] = {{"equity", eq},
                              {"margin_ratio", eq > 0 ? pl->mm / eq : (double)NAN}};
        m[n] = (lc_rule_match){"maintenance", LC_VERDICT_LIQUIDATE, builtin_text[0], NULL, 0, 1};
        rc = add_match(pol, pl, &m[n++], NULL, v, 2, arena);
    }
    if (rc == LC_OK && eq - pl->im < 0) {
        lc_rule_value v[1] = {{"available", eq - pl->im}};
        m[n] = (lc_rule_match){"initial_margin", LC_VERDICT_OVER_LIMIT, builtin_text[1], NULL, 0, 1};
        rc = add_match(pol, pl, &m[n++], NULL, v, 1, arena);
    }
    for (size_t i = 0; rc == LC_OK && i < pl->n; i++) {
        if (!pl->pos[i]->over_limit)
            continue;
        lc_rule_value v[1] = {{"notional", pl->pos[i]->notional}};
        m[n] = (lc_rule_match){"position_limit", LC_VERDICT_OVER_LIMIT, builtin_text[2], NULL, 0, 1};
        rc = add_match(pol, pl, &m[n++], NULL, v, 1, arena);
        break;
    }
    for (size_t r = 0; rc == LC_OK && r < pol->delev.n_rules; r++) {
        const lc__rule *ru = &pol->delev.rules[r];
        if (!ru->when || !lc__cond_holds(pol, ru->when, pl))
            continue;
        m[n] = (lc_rule_match){ru->name, ru->action, ru->text, NULL, 0, 0};
        rc = add_match(pol, pl, &m[n++], ru->when, NULL, 0, arena);
    }
    for (size_t i = 0; i < n; i++)
        if (m[i].action > worst)
            worst = m[i].action;
    *prules = m;
    *pn = n;
    *pworst = worst;
    return rc;
}

/* The plan of the most severe plan-making match: the built-in maintenance first, then the
 * policy's rules in file order. NULL in *pp when no match makes a plan. */
static lc_status plan_for(const lc_policy *pol, const lc__pool *pl, const lc_rule_match *m,
                          size_t n, lc_verdict worst, const lc_plan **pp, lc__arena *arena)
{
    *pp = NULL;
    if (!pol->delev.plans || (worst != LC_VERDICT_LIQUIDATE && worst != LC_VERDICT_DELEVERAGE))
        return LC_OK;
    const lc__plancfg *cfg = NULL;
    const char *rule = NULL;
    for (size_t i = 0; i < n && !cfg; i++) {
        if (m[i].action != worst)
            continue;
        if (m[i].builtin) {
            cfg = &pol->delev.liq;
            rule = m[i].name;
            continue;
        }
        for (size_t r = 0; r < pol->delev.n_rules && !cfg; r++)
            if (pol->delev.rules[r].name == m[i].name) {
                cfg = &pol->delev.rules[r].plan;
                rule = m[i].name;
            }
    }
    if (!cfg)
        return LC_OK;
    lc_plan *plan = lc__arena_alloc(arena, sizeof(*plan));
    if (!plan)
        return LC_ENOMEM;
    lc_status rc = lc__plan_make(pol, pl, cfg, rule, worst, plan, arena);
    if (rc == LC_OK)
        *pp = plan;
    return rc;
}

/* Every position of a liquidated pool: the mark at which its equity would be gone. */
static void bankruptcy_prices(const lc__pool *pl, double equity, lc_position_result *const *pos)
{
    for (size_t i = 0; i < pl->n; i++)
        pos[i]->bankruptcy_price = equity > 0 ? pos[i]->mark - equity / pos[i]->qty : (double)NAN;
}

lc_status lc__deleverage(const lc_policy *pol, lc_account_result *a, lc_position_result *out,
                         lc__arena *arena)
{
    size_t n = a->n_positions, n_cross = 0;
    const lc_position_result **cross = lc__arena_alloc(arena, (n ? n : 1) * sizeof(*cross));
    if (!cross)
        return LC_ENOMEM;
    /* Each isolated position is a pool of its own, judged alone. */
    for (size_t i = 0; i < n; i++) {
        lc_position_result *r = &out[i];
        if (!r->isolated) {
            cross[n_cross++] = r;
            continue;
        }
        const lc_position_result **one = lc__arena_alloc(arena, sizeof(*one));
        if (!one)
            return LC_ENOMEM;
        one[0] = r;
        lc__pool pl = {r->equity, r->isolated_margin, r->upnl, r->notional, r->maintenance_margin,
                       r->initial_margin, one, 1};
        lc_verdict worst;
        lc_status rc = match_rules(pol, &pl, true, &r->rules, &r->n_rules, &worst, arena);
        if (rc)
            return rc;
        if (worst > r->status) {
            r->status = worst;
            r->reason = LC_REASON_RULE;
        }
        if ((rc = plan_for(pol, &pl, r->rules, r->n_rules, worst, &r->plan, arena)) != LC_OK)
            return rc;
        if (r->status == LC_VERDICT_LIQUIDATE)
            bankruptcy_prices(&pl, r->equity, &r);
    }
    lc__pool pl = {a->equity, a->collateral, a->upnl, a->notional, a->maintenance_margin,
                   a->initial_margin, cross, n_cross};
    lc_verdict worst;
    lc_status rc = match_rules(pol, &pl, n_cross > 0, &a->rules, &a->n_rules, &worst, arena);
    if (rc)
        return rc;
    lc__settle(a, out);
    if ((rc = plan_for(pol, &pl, a->rules, a->n_rules, worst, &a->plan, arena)) != LC_OK)
        return rc;
    if (worst == LC_VERDICT_LIQUIDATE) {
        lc_position_result **cp = (lc_position_result **)(void *)cross;
        bankruptcy_prices(&pl, a->equity, cp);
    }
    return LC_OK;
}
