/*
 * plan_props.h - the properties a deleveraging plan must have, checked against a
 * recomputation the test supplies: carrying out the plan meets the target exactly when
 * the plan says so; one lot less on the last position it touched does not; for
 * proportional plans, the closes are the smallest step that meets it.
 */
#ifndef LC_TEST_PLAN_PROPS_H
#define LC_TEST_PLAN_PROPS_H

#include "helpers.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* ==== Generated configurations ========================================== */

/* Uniform in [0, 1) from test_rand: the same accounts on every run. */
static inline double plan_uniform(uint64_t *rng)
{
    return (double)(test_rand(rng) >> 11) / 9007199254740992.0;
}

/* A deleveraging rule's target, fee and order. */
typedef struct plan_cfg {
    int target;    /* 0 margin ratio, 1 leverage */
    double x, fee, step;
    const char *order;
} plan_cfg;

/* A random one, with the six decimals the policy carries (so does the check). */
static inline plan_cfg plan_cfg_random(uint64_t *rng)
{
    static const char *const orders[] = {"largest_maintenance_margin_first",
                                         "largest_loss_first", "largest_notional_first",
                                         "proportional"};
    plan_cfg c = {plan_uniform(rng) < 0.5 ? 0 : 1, 0, 0, 0.05, NULL};
    c.fee = plan_uniform(rng) < 0.3 ? 0 : plan_uniform(rng) * 0.01;
    c.order = orders[(int)(plan_uniform(rng) * 4) % 4];
    c.x = c.target == 0 ? 0.2 + plan_uniform(rng) * 0.7 : 2 + plan_uniform(rng) * 15;
    c.x = round(c.x * 1e6) / 1e6;
    c.fee = round(c.fee * 1e6) / 1e6;
    return c;
}

/* The policy's 'deleveraging' section: one rule "cut" that always applies. */
static inline int plan_cfg_section(char *buf, size_t n, const plan_cfg *c)
{
    return snprintf(buf, n,
                    "deleveraging:\n  rules:\n"
                    "    - {name: cut, when: {equity: {gt: -1e300}}, action: deleverage, "
                    "target: {%s: %.6f}, fee_rate: %.6f, order: %s, step: %g}\n",
                    c->target == 0 ? "margin_ratio" : "leverage", c->x, c->fee, c->order,
                    c->step);
}

/* ==== The properties ===================================================== */

typedef struct plan_check {
    const char *order;
    double step;
    double (*lot)(const char *market);
    /* Whether closing closed[j] of each position meets the target, the target loosened by
     * the relative "slack" (tightened when negative). */
    bool (*meets)(const void *ctx, const lc_position_result *pos, size_t n,
                  const double *closed, double equity, double slack);
    const void *ctx;
    double slack;  /* where the test's arithmetic and the library's may round apart */
} plan_check;

/* Checks account "a"'s plan; counts it in *checked and, when it meets its target with
 * closes, in *met. Returns the market of its last close, or NULL. */
static inline const char *plan_check_account(const plan_check *k, const lc_account_result *a,
                                             const lc_position_result *pos, int iter,
                                             size_t *checked, size_t *met)
{
    const lc_plan *pl = a->plan;
    size_t n = a->n_positions;
    double closed[8] = {0};
    assert_true(n <= 8);
    for (size_t c = 0; c < pl->n_closes; c++)
        for (size_t j = 0; j < n; j++)
            if (strcmp(pos[j].market, pl->closes[c].market) == 0)
                closed[j] = fabs(pl->closes[c].qty);
    bool ok = k->meets(k->ctx, pos, n, closed, a->equity, k->slack);
    bool sure = k->meets(k->ctx, pos, n, closed, a->equity, -k->slack) == ok;
    if (sure && ok != (pl->target_met != 0))
        fail_msg("account %s round %d: the plan says target_met %d, recomputed %d", a->id, iter,
                 pl->target_met, ok);
    (*checked)++;
    if (!ok || pl->n_closes == 0)
        return NULL;
    (*met)++;
    if (strcmp(k->order, "proportional") == 0) {
        /* The smallest multiple of the step that meets the target, searched here on its
         * own: its closes are the plan's, and one step less does not meet. */
        double want[8] = {0}, prev[8] = {0};
        bool found = false;
        for (int m = 1; m <= (int)ceil(1 / k->step - 1e-9) && !found; m++) {
            double f = fmin(1, m * k->step);
            memcpy(prev, want, sizeof want);
            for (size_t j = 0; j < n; j++) {
                double L = k->lot(pos[j].market), q = fabs(pos[j].qty);
                double lots = ceil(f * q / L - 1e-9);
                want[j] = lots * L >= q - 1e-12 ? q : lots * L;
            }
            found = k->meets(k->ctx, pos, n, want, a->equity, k->slack);
            if (found && m > 1 && k->meets(k->ctx, pos, n, prev, a->equity, -k->slack))
                fail_msg("account %s round %d: one step less also meets", a->id, iter);
        }
        for (size_t j = 0; j < n; j++)
            if (fabs(want[j] - closed[j]) > 1e-9)
                fail_msg("account %s round %d: %s closes %.6g, the smallest step closes %.6g",
                         a->id, iter, pos[j].market, closed[j], want[j]);
        return NULL;
    }
    /* The last close, one lot less, does not meet the target. */
    const lc_close *last = &pl->closes[pl->n_closes - 1];
    for (size_t j = 0; j < n; j++) {
        if (strcmp(pos[j].market, last->market) != 0)
            continue;
        double L = k->lot(pos[j].market);
        double lots = ceil(closed[j] / L - 1e-9);
        closed[j] = (lots - 1) * L;
        if (k->meets(k->ctx, pos, n, closed, a->equity, -k->slack))
            fail_msg("account %s round %d: %s one lot less (%.6g) also meets the target (%s; "
                     "position qty %.6g mark %g, equity %.10g, %zu closes, %zu positions)",
                     a->id, iter, last->market, closed[j], k->order, pos[j].qty, pos[j].mark,
                     a->equity, pl->n_closes, n);
    }
    return last->market;
}

#endif
