/*
 * reasons.c - the sentences of the report: every rule an account or isolated position
 * breaks, with its figures, and a script's cap set aside. Money is to the cent and rates
 * are percentages; the JSON numbers beside them stay exact.
 */
#include "base/prefix.h"

#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Money in reason text: to the cent, never "-0.00" (the JSON numbers stay exact). */
char *lc__cents(double v, char *buf)
{
    if (!isfinite(v)) {
        strcpy(buf, "null");
        return buf;
    }
    buf[lc__fixed2(fabs(v) < 0.005 ? 0.0 : v, buf)] = '\0';
    return buf;
}

/* A rate as a percentage with two decimals. */
static char *percent(double v, char *buf)
{
    if (!isfinite(v)) {
        strcpy(buf, "null");
    } else {
        size_t n = lc__fixed2(v * 100, buf);
        buf[n] = '%';
        buf[n + 1] = '\0';
    }
    return buf;
}

/* Sentences are joined from pieces, the most frequent without printf: cut to "size"
 * like snprintf, always terminated. */
typedef struct text {
    char *p;
    size_t size, len;
} text;

static void put(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n >= t->size)
        n = t->size - 1 - t->len;
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* The rules of a margin pool, the account's cross part or an isolated position alike. */
typedef struct pool {
    double equity, maintenance_margin, initial_margin, margin_ratio;
} pool;

/* The sentence of pool rule "why", or false if "why" is not one. */
static bool pool_text(lc_reason why, const pool *p, char *buf, size_t size)
{
    char a[48];
    text t = {buf, size, 0};
    lc_assert(size > 0);
    buf[0] = '\0';
    switch (why) {
    case LC_REASON_NO_EQUITY:
        put(&t, "equity ");
        put(&t, lc__cents(p->equity, a));
        put(&t, " is not above 0");
        return true;
    case LC_REASON_MARGIN_RATIO:
        put(&t, "maintenance margin ");
        put(&t, lc__cents(p->maintenance_margin, a));
        put(&t, " is not below equity ");
        put(&t, lc__cents(p->equity, a));
        put(&t, " (margin ratio ");
        put(&t, percent(p->margin_ratio, a));
        put(&t, ")");
        return true;
    case LC_REASON_NO_AVAILABLE:
        put(&t, "initial margin ");
        put(&t, lc__cents(p->initial_margin, a));
        put(&t, " exceeds equity ");
        put(&t, lc__cents(p->equity, a));
        return true;
    default:
        return false;
    }
}

static void limit_text(const lc_position_result *p, char *buf, size_t size)
{
    char a[48];
    snprintf(buf, size, "%s notional %s is at or above the market's position limit", p->market,
             lc__cents(p->notional, a));
}

/* "rule NAME: CONDITION (figure value, ...)" */
static void rule_text(const lc_rule_match *m, char *buf, size_t size)
{
    int off = snprintf(buf, size, "rule %s: %s", m->name, m->condition ? m->condition : "");
    for (size_t i = 0; i < m->n_values && off > 0 && (size_t)off < size; i++) {
        char nb[40];
        int w = snprintf(buf + off, size - (size_t)off, "%s%s %s", i ? ", " : " (", m->values[i].name,
                         isinf(m->values[i].value) ? "infinite (no equity)"
                                                   : lc__numstr(m->values[i].value, nb));
        if (w < 0)
            break;
        off += w;
    }
    if (m->n_values && off > 0 && (size_t)off + 1 < size)
        snprintf(buf + off, size - (size_t)off, ")");
}

void lc__position_reason_text(const lc_position_result *p, char *buf, size_t size)
{
    if (p->reason == LC_REASON_RULE) {
        for (size_t i = 0; i < p->n_rules; i++) {
            if (!p->rules[i].builtin && p->rules[i].action == p->status) {
                rule_text(&p->rules[i], buf, size);
                return;
            }
        }
    }
    pool pl = {p->equity, p->maintenance_margin, p->initial_margin, p->margin_ratio};
    if (pool_text(p->reason, &pl, buf, size))
        return;
    if (p->reason == LC_REASON_POSITION_LIMIT)
        limit_text(p, buf, size);
    else
        buf[0] = '\0';
}

void lc__breach_text(const lc_breach *br, const lc_account_result *ac,
                     const lc_position_result *pos, char *buf, size_t size)
{
    const lc_position_result *p = br->index < ac->n_positions ? &pos[br->index] : NULL;
    pool pl = {ac->equity, ac->maintenance_margin, ac->initial_margin, ac->margin_ratio};
    char a[48], inner[256];
    buf[0] = '\0';
    if (pool_text(br->reason, &pl, buf, size))
        return;
    switch (br->reason) {
    case LC_REASON_NEGATIVE_COLLATERAL:
        snprintf(buf, size, "collateral %s is negative", lc__cents(ac->collateral, a));
        break;
    case LC_REASON_POSITION_LIMIT:
        if (p)
            limit_text(p, buf, size);
        break;
    case LC_REASON_ISOLATED:
        if (p) {
            lc__position_reason_text(p, inner, sizeof inner);
            snprintf(buf, size, "isolated %s position: %s", p->market, inner);
        }
        break;
    case LC_REASON_SCRIPT:
        if (br->index < ac->n_findings) {
            const lc_finding *f = &ac->findings[br->index];
            snprintf(buf, size, "script %s, rule %s: %s", f->script, f->rule,
                     f->message ? f->message : f->action);
        }
        break;
    case LC_REASON_SCRIPT_ERROR:
        snprintf(buf, size, "%s; the account is held at 1x",
                 ac->script_error ? ac->script_error : "script error");
        break;
    case LC_REASON_RULE:
        if (br->index < ac->n_rules)
            rule_text(&ac->rules[br->index], buf, size);
        break;
    default:
        break;
    }
}

bool lc__script_warning_text(const lc_position_result *p, char *buf, size_t size)
{
    char a[40], b[40];
    if (p->ignored_script)
        snprintf(buf, size, "script %s asked for max leverage %s, above the declarative %s; ignored",
                 p->ignored_script, lc__numstr(p->ignored_cap, a), lc__numstr(p->max_leverage, b));
    else if (p->clamped_script)
        snprintf(buf, size, "script %s asked for max leverage %s, at or above 1/mmr = %s where a "
                            "new position would open liquidatable; clamped below it",
                 p->clamped_script, lc__numstr(p->clamped_cap, a), lc__numstr(1 / p->mmr, b));
    else
        return false;
    return true;
}

void lc__reason_text(const lc_account_result *ac, const lc_position_result *pos, char *buf,
                     size_t size)
{
    lc_breach br = {ac->status, ac->reason, ac->reason_position};
    lc__breach_text(&br, ac, pos, buf, size);
}
