/*
 * judge.c - statuses: the rules a margin pool breaks, and an account's verdict as the first
 * of them in severity order, so status, reason and the report's reasons always agree.
 */
#include "base/prefix.h"

#include "rules/rules.h"

#include <string.h>

lc_verdict lc__judge(double equity, double mm, double available, bool over_limit,
                        lc_reason *why)
{
    if (!(equity > 0)) {
        *why = LC_REASON_NO_EQUITY;
        return LC_VERDICT_LIQUIDATE;
    }
    if (mm >= equity) { /* margin_ratio >= 1 */
        *why = LC_REASON_MARGIN_RATIO;
        return LC_VERDICT_LIQUIDATE;
    }
    if (available < 0) {
        *why = LC_REASON_NO_AVAILABLE;
        return LC_VERDICT_OVER_LIMIT;
    }
    if (over_limit) {
        *why = LC_REASON_POSITION_LIMIT;
        return LC_VERDICT_OVER_LIMIT;
    }
    *why = LC_REASON_NONE;
    return LC_VERDICT_OK;
}

lc_verdict lc__action_verdict(const char *action)
{
    for (int v = LC_VERDICT_MARGIN_CALL; v < LC_N_VERDICTS; v++)
        if (strcmp(action, lc_verdict_name((lc_verdict)v)) == 0)
            return (lc_verdict)v;
    return LC_VERDICT_OK; /* "ok" and "note" change nothing */
}

/* ==== Breaches ========================================================== */

/* Every rule an account breaks, visited in one fixed order: a script failure, the cross
 * part (equity, margin ratio, available margin, position limits), isolated positions,
 * scripts' findings. The account's status and reason are the first breach of the highest
 * severity, so the status, the reason and the report's `reasons` list cannot disagree. */
typedef struct breach_sink {
    int want;        /* only breaches of this severity are kept; -1: all, in visit order */
    lc_breach *out;
    size_t cap, n;
    lc_breach first; /* the first breach of the highest severity seen */
} breach_sink;

static void emit(breach_sink *k, lc_verdict sev, lc_reason why, size_t index)
{
    if (k->n == 0 || sev > k->first.severity)
        k->first = (lc_breach){sev, why, index};
    if (k->want >= 0 && (int)sev != k->want)
        return;
    if (k->n < k->cap)
        k->out[k->n] = (lc_breach){sev, why, index};
    k->n++;
}

static void visit_breaches(const lc_account_result *a, const lc_position_result *pos,
                           breach_sink *k)
{
    size_t n_cross = 0;
    for (size_t i = 0; i < a->n_positions; i++)
        n_cross += !pos[i].isolated;
    if (a->script_error)
        emit(k, LC_VERDICT_OVER_LIMIT, LC_REASON_SCRIPT_ERROR, SIZE_MAX);
    if (n_cross) {
        if (!(a->equity > 0))
            emit(k, LC_VERDICT_LIQUIDATE, LC_REASON_NO_EQUITY, SIZE_MAX);
        else if (a->maintenance_margin >= a->equity)
            emit(k, LC_VERDICT_LIQUIDATE, LC_REASON_MARGIN_RATIO, SIZE_MAX);
        if (a->available < 0)
            emit(k, LC_VERDICT_OVER_LIMIT, LC_REASON_NO_AVAILABLE, SIZE_MAX);
        for (size_t i = 0; i < a->n_positions; i++)
            if (!pos[i].isolated && pos[i].over_limit)
                emit(k, LC_VERDICT_OVER_LIMIT, LC_REASON_POSITION_LIMIT, i);
    } else if (a->available < 0) {
        /* With no cross position there is nothing to liquidate: only a negative balance,
         * which leaves no margin for new exposure, stands against the account. */
        emit(k, LC_VERDICT_OVER_LIMIT, LC_REASON_NEGATIVE_COLLATERAL, SIZE_MAX);
    }
    for (size_t r = 0; r < a->n_rules; r++) /* the policy's rules, in file order */
        if (!a->rules[r].builtin)
            emit(k, a->rules[r].action, LC_REASON_RULE, r);
    for (size_t i = 0; i < a->n_positions; i++)
        if (pos[i].isolated && pos[i].status != LC_VERDICT_OK)
            emit(k, pos[i].status, LC_REASON_ISOLATED, i);
    for (size_t f = 0; f < a->n_findings; f++) {
        lc_verdict v = lc__action_verdict(a->findings[f].action);
        if (v != LC_VERDICT_OK)
            emit(k, v, LC_REASON_SCRIPT, f);
    }
}

size_t lc_account_breaches(const lc_account_result *a, const lc_position_result *positions,
                           lc_breach *out, size_t cap)
{
    /* One visit in rule order; when they all fit, a stable sort by severity is the
     * answer. Otherwise one visit per severity keeps the first "cap" of them. */
    breach_sink k = {-1, out, out ? cap : 0, 0, {LC_VERDICT_OK, LC_REASON_NONE, SIZE_MAX}};
    visit_breaches(a, positions, &k);
    if (k.n <= k.cap) {
        for (size_t i = 1; i < k.n; i++) {
            lc_breach b = out[i];
            size_t j = i;
            for (; j > 0 && out[j - 1].severity < b.severity; j--)
                out[j] = out[j - 1];
            out[j] = b;
        }
        return k.n;
    }
    size_t total = k.n;
    k.n = 0;
    for (int sev = LC_VERDICT_LIQUIDATE; sev > LC_VERDICT_OK; sev--) {
        k.want = sev;
        visit_breaches(a, positions, &k);
    }
    return total;
}

/* The first breach of the highest severity, in one visit and without storing any. */
static bool first_breach(const lc_account_result *a, const lc_position_result *pos,
                         lc_breach *first)
{
    breach_sink k = {-1, NULL, 0, 0, {LC_VERDICT_OK, LC_REASON_NONE, SIZE_MAX}};
    visit_breaches(a, pos, &k);
    *first = k.first;
    return k.n > 0;
}

/* Sets the account's status and reason from its first breach. */
void lc__settle(lc_account_result *a, const lc_position_result *pos)
{
    lc_breach first;
    if (!first_breach(a, pos, &first)) {
        a->status = LC_VERDICT_OK;
        a->reason = LC_REASON_NONE;
        a->reason_position = SIZE_MAX;
        return;
    }
    a->status = first.severity;
    a->reason = first.reason;
    a->reason_position = first.index;
}
