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

/* The matches of one pool as they are found: built on the stack (or, for a policy with
 * very many rules, in the arena), then kept in one piece. */
typedef struct matches {
    lc_rule_match *m;
    size_t n;
    lc_rule_value *v;
    size_t nv;
    size_t *first; /* each match's first value in v */
} matches;

/* Adds match "m" whose "nv" values were written at k->v + k->nv. */
static void add(matches *k, lc_rule_match m, size_t nv)
{
    k->first[k->n] = k->nv;
    k->m[k->n++] = m;
    k->nv += nv;
}

/* Every rule pool "pl" matches, into one arena piece (NULL when none does); *pworst the
 * most severe action. */
static lc_status match_rules(const lc_policy *pol, const lc__pool *pl, bool has_cross,
                             const lc_rule_match **prules, size_t *pn, lc_verdict *pworst,
                             lc__arena *arena)
{
    enum { STACK_MATCHES = 32 };
    lc_rule_match m_stack[STACK_MATCHES];
    lc_rule_value v_stack[STACK_MATCHES * MAX_VALUES];
    size_t first_stack[STACK_MATCHES];
    size_t cap = 3 + pol->delev.n_rules;
    matches k = {m_stack, 0, v_stack, 0, first_stack};
    if (cap > STACK_MATCHES) {
        k.m = lc__arena_alloc(arena, cap * sizeof(*k.m));
        k.v = lc__arena_alloc(arena, cap * MAX_VALUES * sizeof(*k.v));
        k.first = lc__arena_alloc(arena, cap * sizeof(*k.first));
        if (!k.m || !k.v || !k.first)
            return LC_ENOMEM;
    }
    double eq = pl->equity;
    if (has_cross && (!(eq > 0) || pl->mm >= eq)) {
        k.v[k.nv] = (lc_rule_value){"equity", eq};
        k.v[k.nv + 1] = (lc_rule_value){"margin_ratio", eq > 0 ? pl->mm / eq : (double)NAN};
        add(&k, (lc_rule_match){"maintenance", LC_VERDICT_LIQUIDATE, builtin_text[0], NULL, 0, 1}, 2);
    }
    if (eq - pl->im < 0) {
        k.v[k.nv] = (lc_rule_value){"available", eq - pl->im};
        add(&k, (lc_rule_match){"initial_margin", LC_VERDICT_OVER_LIMIT, builtin_text[1], NULL, 0, 1},
            1);
    }
    for (size_t i = 0; i < pl->n; i++) {
        if (!pl->pos[i]->over_limit)
            continue;
        k.v[k.nv] = (lc_rule_value){"notional", pl->pos[i]->notional};
        add(&k, (lc_rule_match){"position_limit", LC_VERDICT_OVER_LIMIT, builtin_text[2], NULL, 0, 1},
            1);
        break;
    }
    for (size_t r = 0; r < pol->delev.n_rules; r++) {
        const lc__rule *ru = &pol->delev.rules[r];
        if (!ru->when || !lc__cond_test(pol, ru->when, pl))
            continue;
        size_t nv = lc__cond_values(pol, ru->when, pl, k.v + k.nv, MAX_VALUES, arena);
        add(&k, (lc_rule_match){ru->name, ru->action, ru->text, NULL, 0, 0}, nv);
    }
    lc_verdict worst = LC_VERDICT_OK;
    for (size_t i = 0; i < k.n; i++)
        if (k.m[i].action > worst)
            worst = k.m[i].action;
    *pworst = worst;
    *prules = NULL;
    *pn = k.n;
    if (k.n == 0)
        return LC_OK;
    lc_rule_match *m = lc__arena_alloc(arena, k.n * sizeof(*m) + k.nv * sizeof(*k.v));
    if (!m)
        return LC_ENOMEM;
    lc_rule_value *v = (lc_rule_value *)(void *)(m + k.n);
    memcpy(v, k.v, k.nv * sizeof(*v));
    for (size_t i = 0; i < k.n; i++) {
        m[i] = k.m[i];
        m[i].values = v + k.first[i];
        m[i].n_values = (i + 1 < k.n ? k.first[i + 1] : k.nv) - k.first[i];
    }
    *prules = m;
    return LC_OK;
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
    return lc__plan_make(pol, pl, cfg, rule, worst, pp, arena);
}

/* A pool's figures, field by field: an initialiser would zero the metrics that
 * lc__pool_measure_as writes next, for every pool of every account. */
static inline void pool_set(lc__pool *pl, double equity, double collateral, double upnl,
                            double notional, double mm, double im,
                            const lc_position_result *const *pos, const uint32_t *market,
                            size_t n)
{
    pl->equity = equity;
    pl->collateral = collateral;
    pl->upnl = upnl;
    pl->notional = notional;
    pl->mm = mm;
    pl->im = im;
    pl->pos = pos;
    pl->market = market;
    pl->n = n;
}

/* Every position of a liquidated pool: the mark at which its equity would be gone. */
static void bankruptcy_prices(const lc__pool *pl, double equity, lc_position_result *const *pos)
{
    for (size_t i = 0; i < pl->n; i++)
        pos[i]->bankruptcy_price = equity > 0 ? pos[i]->mark - equity / pos[i]->qty : (double)NAN;
}

lc_status lc__deleverage(const lc_policy *pol, lc_account_result *a, lc_position_result *out,
                         const lc__pos *src, lc__arena *arena)
{
    enum { STACK_POSITIONS = 64 };
    const lc_position_result *cross_stack[STACK_POSITIONS];
    uint32_t cross_m_stack[STACK_POSITIONS];
    size_t n = a->n_positions, n_cross = 0;
    lc_verdict raised = LC_VERDICT_OK; /* the most severe breach this adds */
    const lc_position_result **cross = cross_stack;
    uint32_t *cross_m = cross_m_stack;
    if (n > STACK_POSITIONS) {
        cross = lc__arena_alloc(arena, n * sizeof(*cross));
        cross_m = lc__arena_alloc(arena, n * sizeof(*cross_m));
        if (!cross || !cross_m)
            return LC_ENOMEM;
    }
    /* Each isolated position is a pool of its own, judged alone. */
    for (size_t i = 0; i < n; i++) {
        lc_position_result *r = &out[i];
        if (!r->isolated) {
            cross_m[n_cross] = src[i].market;
            cross[n_cross++] = r;
            continue;
        }
        const lc_position_result *one[1] = {r};
        lc__pool pl;
        pool_set(&pl, r->equity, r->isolated_margin, r->upnl, r->notional, r->maintenance_margin,
                 r->initial_margin, one, &src[i].market, 1);
        lc__pool_measure_as(&pl, r->margin_ratio, r->equity > 0 ? r->notional / r->equity : 0);
        lc_verdict worst;
        lc_status rc = match_rules(pol, &pl, true, &r->rules, &r->n_rules, &worst, arena);
        if (rc)
            return rc;
        if (worst > r->status) {
            r->status = worst;
            r->reason = LC_REASON_RULE;
            if (worst > raised)
                raised = worst;
        }
        if ((rc = plan_for(pol, &pl, r->rules, r->n_rules, worst, &r->plan, arena)) != LC_OK)
            return rc;
        if (r->status == LC_VERDICT_LIQUIDATE)
            bankruptcy_prices(&pl, r->equity, &r);
    }
    lc__pool pl;
    pool_set(&pl, a->equity, a->collateral, a->upnl, a->notional, a->maintenance_margin,
             a->initial_margin, cross, cross_m, n_cross);
    lc__pool_measure_as(&pl, a->margin_ratio, a->leverage);
    lc_verdict worst;
    lc_status rc = match_rules(pol, &pl, n_cross > 0, &a->rules, &a->n_rules, &worst, arena);
    if (rc)
        return rc;
    /* The built-in matches are breaches the account was settled on already; the policy's
     * rules and raised isolated statuses are new, and below the account's status they
     * cannot change which breach comes first. */
    for (size_t i = 0; i < a->n_rules; i++)
        if (!a->rules[i].builtin && a->rules[i].action > raised)
            raised = a->rules[i].action;
    if (raised != LC_VERDICT_OK && raised >= a->status)
        lc__settle(a, out);
    if ((rc = plan_for(pol, &pl, a->rules, a->n_rules, worst, &a->plan, arena)) != LC_OK)
        return rc;
    if (worst == LC_VERDICT_LIQUIDATE) {
        lc_position_result **cp = (lc_position_result **)(void *)cross;
        bankruptcy_prices(&pl, a->equity, cp);
    }
    return LC_OK;
}
