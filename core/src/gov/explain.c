/*
 * explain.c - `levcal explain`: every figure of one account, with its formula and the
 * values put in, in the order they were computed.
 *
 * The figures are the report's own (the account is evaluated with the rest of the book);
 * what the report does not keep, the chain of maintenance amounts and the liquidation
 * price's walk over the tiers, is recomputed here by the same functions the engine uses,
 * so no number in an explanation can differ from the report's.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "model/policy.h"
#include "model/portfolio.h"
#include "rules/rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ==== Steps ============================================================= */

/* One line of an explanation: what is computed, how, with which numbers, giving what. */
typedef struct step {
    char section[80];  /* "BTCUSDT", "account", "rules", "plan" */
    char label[48];    /* "maintenance margin" */
    char formula[160]; /* "notional × mmr − maintenance amount" (may be empty) */
    char expr[512];    /* "6,200 × 0.004 − 0" (may be empty) */
    double value;      /* NaN when the step is a statement */
    char note[400];    /* "tier 1: [0, 50,000)" (may be empty) */
} step;

typedef struct explainer {
    step *v;
    size_t n, cap;
    lc_status rc;
    char section[80];
} explainer;

/* A number as people read it (the name is short: the sentences below use it often). */
static const char *num(double v, char *buf)
{
    return lc__gov_num(v, buf);
}

static void add(explainer *e, const char *label, double value, const char *formula, const char *note,
                const char *fmt, ...) LC_PRINTF(6, 7);

static void add(explainer *e, const char *label, double value, const char *formula, const char *note,
                const char *fmt, ...)
{
    if (e->rc)
        return;
    step *v = lc__grow(e->v, &e->cap, e->n, sizeof(*v), 64);
    if (!v) {
        e->rc = LC_ENOMEM;
        return;
    }
    e->v = v;
    step *s = &e->v[e->n++];
    memset(s, 0, sizeof(*s));
    snprintf(s->section, sizeof s->section, "%s", e->section);
    snprintf(s->label, sizeof s->label, "%s", label);
    snprintf(s->formula, sizeof s->formula, "%s", formula ? formula : "");
    snprintf(s->note, sizeof s->note, "%s", note ? note : "");
    s->value = value;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->expr, sizeof s->expr, fmt, ap);
        va_end(ap);
    }
}

static void section(explainer *e, const char *fmt, ...) LC_PRINTF(2, 3);

static void section(explainer *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->section, sizeof e->section, fmt, ap);
    va_end(ap);
}

/* ==== A position ========================================================= */

/* A margin scheme's rates, in place of a tier. */
static void explain_scheme(explainer *e, const lc__market *mk, const lc_position_result *r)
{
    char a[48], b[48], c[48], d[48];
    const lc__margin *g = mk->margin;
    if (g->scheme == LC__SCHEME_OI) {
        if (g->oi_upper > 0) {
            add(e, "open interest", r->open_interest, "the market's open notional (portfolio)",
                NULL, NULL);
            add(e, "imf", r->imf,
                "min(1, base_imf + max(0, (OI − oi_lower) / (oi_upper − oi_lower)) × (1 − base_imf))",
                "margin scheme open_interest", "min(1, %s + max(0, (%s − %s) / (%s − %s)) × (1 − %s))",
                num(g->base_imf, a), num(r->open_interest, b), num(g->oi_lower, c),
                num(g->oi_upper, d), num(g->oi_lower, c), num(g->base_imf, a));
        } else {
            add(e, "imf", r->imf, "base_imf", "margin scheme open_interest, oi_upper 0: no scaling",
                NULL);
        }
        add(e, "mmf", r->mmf, "base_imf × maintenance_fraction", "does not scale with open interest",
            "%s × %s", num(g->base_imf, a), num(g->maintenance_fraction, b));
    } else {
        add(e, "imf", r->imf, "max(base_imf, factor × sqrt(|qty|))", "margin scheme size_premium",
            "max(%s, %s × sqrt(%s))", num(g->base_imf, a), num(g->factor, b),
            num(fabs(r->qty), c));
        add(e, "mmf", r->mmf, "maintenance_ratio × imf", NULL, "%s × %s",
            num(g->maintenance_ratio, a), num(r->imf, b));
    }
    add(e, "scheme max leverage", r->tier_max_leverage, "1 / imf", NULL, "1 / %s", num(r->imf, a));
}

static void explain_tier(explainer *e, const lc__market *mk, const lc_position_result *r)
{
    char a[48], b[48], c[48], note[400];
    if (mk->margin) {
        explain_scheme(e, mk, r);
        return;
    }
    size_t t = r->tier - 1;
    bool by_qty = mk->basis == LC__BASIS_QUANTITY;
    double x = by_qty ? fabs(r->qty) : r->notional;
    const char *what = by_qty ? "size" : "notional";
    double lo = t ? mk->tiers[t - 1].cap : 0, hi = mk->tiers[t].cap;
    if (r->over_limit)
        snprintf(note, sizeof note, "%s is at or above the last cap %s: over the market's "
                                    "position limit; the last tier's figures apply",
                 num(x, a), num(hi, b));
    else if (t && x == lo)
        snprintf(note, sizeof note, "%s is exactly at tier %zu's cap: a %s at a cap "
                                    "belongs to the next tier, [%s, %s)",
                 num(x, a), t, what, num(lo, b), num(hi, c));
    else
        snprintf(note, sizeof note, "%s is in [%s, %s)", num(x, a), num(lo, b),
                 isinf(hi) ? "no limit" : num(hi, c));
    add(e, "tier", (double)r->tier,
        by_qty ? "the bracket the size |qty| falls in (tiers_by: quantity)"
               : "the bracket the notional falls in",
        note, NULL);
    add(e, "tier figures", (double)NAN, NULL, NULL, "max_leverage %s, mmr %s",
        num(mk->tiers[t].max_leverage, a), num(mk->tiers[t].mmr, b));
}

/* The maintenance amount's derivation, tier by tier, as load/policy.c computes it. */
static void explain_cum(explainer *e, const lc__market *mk, const lc_position_result *r,
                        bool given)
{
    char a[48], b[48], c[48], d[48];
    size_t t = r->tier - 1;
    double cum = 0;
    if (mk->margin)
        return;
    if (mk->basis == LC__BASIS_QUANTITY) {
        add(e, "maintenance amount", r->maintenance_amount,
            "as written in the tier, 0 unless given", "tiers_by: quantity applies the rate to "
            "the whole notional", NULL);
        return;
    }
    if (t == 0) {
        add(e, "maintenance amount", 0, "the first tier's, cum(1)",
            given ? "given in the policy, checked" : NULL, NULL);
        return;
    }
    for (size_t i = 1; i <= t; i++) {
        double next = lc__tier_derived_cum(mk->tiers, i, cum);
        char label[48];
        snprintf(label, sizeof label, i == t ? "maintenance amount" : "  cum(%zu)", i + 1);
        add(e, label, next, "cum(i-1) + cap(i-1) × (mmr(i) − mmr(i-1))",
            i == t ? (given ? "given in the policy and checked against this derivation"
                            : "derived, so maintenance margin is continuous at every cap")
                   : NULL,
            "%s + %s × (%s − %s)", num(cum, a), num(mk->tiers[i - 1].cap, b),
            num(mk->tiers[i].mmr, c), num(mk->tiers[i - 1].mmr, d));
        cum = next;
    }
}

static void explain_leverage(explainer *e, const lc_policy *pol, const lc__market *mk,
                             const lc_position_result *r)
{
    char a[48], b[48], c[48], note[400];
    const lc__volcfg *vc = mk->vol;
    if (vc) {
        const lc__model_def *md = &pol->models[vc->model];
        char params[300] = "";
        size_t o = 0;
        for (size_t i = 0; i < md->n_params && o < sizeof params - 60; i++)
            o += (size_t)snprintf(params + o, sizeof params - o, "%s%s %s", i ? ", " : "",
                                  md->params[i].name, num(md->params[i].value, a));
        add(e, "volatility model", (double)NAN, NULL, NULL, "%s (plugin %s %s)%s%s%s", md->name,
            md->plugin->api->name, md->plugin->api->version, o ? ": " : "", params, "");
        if (vc->state == LC__VOL_OK) {
            char fit[400] = "";
            o = 0;
            for (size_t i = 0; i < vc->n_fitted && o < sizeof fit - 60; i++)
                o += (size_t)snprintf(fit + o, sizeof fit - o, "%s%s %s", i ? ", " : "",
                                      vc->fitted[i].name, num(vc->fitted[i].value, a));
            if (o)
                add(e, "fitted", (double)NAN, NULL, NULL, "%s", fit);
            char hz[96], cf[96];
            snprintf(hz, sizeof hz, "horizon %s days", num(vc->horizon_days, a));
            snprintf(cf, sizeof cf, "confidence %s", num(vc->confidence, a));
            add(e, "sigma_h", vc->sigma_h, "the model's sigma over the horizon", hz, NULL);
            add(e, "z", vc->z, "the normal quantile of the confidence", cf, NULL);
            double cap = 1 / (vc->z * vc->sigma_h + r->mmr);
            add(e, "volatility cap", cap, "1 / (z × sigma_h + mmr)", NULL, "1 / (%s × %s + %s)",
                num(vc->z, a), num(vc->sigma_h, b), num(r->mmr, c));
        } else {
            add(e, "volatility cap", vc->fallback, "fallback_max_leverage", vc->reason, NULL);
        }
    }
    if (r->ignored_script) {
        snprintf(note, sizeof note, "above the declarative cap: ignored");
        add(e, "script cap", r->ignored_cap, NULL, note, "what script %s returned",
            r->ignored_script);
    }
    if (r->clamped_script) {
        snprintf(note, sizeof note, "at or above 1/mmr: clamped just below it");
        add(e, "script cap", r->clamped_cap, NULL, note, "what script %s returned",
            r->clamped_script);
    }
    if (r->binding_script)
        add(e, "script cap", r->max_leverage, NULL, "the lowest cap: it binds",
            "what script %s returned", r->binding_script);
    snprintf(note, sizeof note, "set by %s; the tier's own: %s", lc_binding_name(r->binding),
             num(r->tier_max_leverage, b));
    add(e, "max leverage", r->max_leverage, "the lowest of the tier's and every cap", note,
        NULL);
}

static void explain_position(explainer *e, const lc_policy *pol, const lc_position_result *r,
                             bool cum_given)
{
    char a[48], b[48], c[48];
    long mi = lc__policy_find(pol, r->market, strlen(r->market));
    const lc__market *mk = &pol->markets[mi];
    section(e, "%s %s %s", r->market, r->qty > 0 ? "long" : "short", num(fabs(r->qty), a));
    add(e, "position", (double)NAN, NULL, r->isolated ? "isolated margin" : "cross margin",
        "qty %s, entry %s, mark %s", num(r->qty, a), num(r->entry, b), num(r->mark, c));
    add(e, "notional", r->notional, "|qty| × mark", NULL, "%s × %s", num(fabs(r->qty), a),
        num(r->mark, b));
    explain_tier(e, mk, r);
    explain_cum(e, mk, r, cum_given);
    add(e, "maintenance margin", r->maintenance_margin, "notional × mmr − maintenance amount",
        NULL, "%s × %s − %s", num(r->notional, a), num(r->mmr, b),
        num(r->maintenance_amount, c));
    explain_leverage(e, pol, mk, r);
    add(e, "initial margin", r->initial_margin, "notional / max leverage", NULL, "%s / %s",
        num(r->notional, a), num(r->max_leverage, b));
    add(e, "upnl", r->upnl, "qty × (mark − entry)", NULL, "%s × (%s − %s)", num(r->qty, a),
        num(r->mark, b), num(r->entry, c));
}

/* The liquidation price's walk: "base" is what the rest of the pool holds (WB − TMM1 +
 * UPNL1 in Binance's formula). */
static void explain_liq(explainer *e, const lc_policy *pol, const lc_account_result *acc,
                        const lc_position_result *r)
{
    char a[48], b[48], c[48], d[48], f[48], g[48], h[48], note[400];
    long mi = lc__policy_find(pol, r->market, strlen(r->market));
    const lc__market *mk = &pol->markets[mi];
    section(e, "%s liquidation price", r->market);
    double q = fabs(r->qty), side = r->qty > 0 ? 1.0 : -1.0, base;
    if (r->isolated) {
        base = r->isolated_margin;
        add(e, "base", base, "the isolated margin", NULL, NULL);
    } else {
        base = acc->collateral - (acc->maintenance_margin - r->maintenance_margin) +
               (acc->upnl - r->upnl);
        add(e, "base", base, "collateral − the other positions' MM + their upnl", NULL,
            "%s − (%s − %s) + (%s − %s)", num(acc->collateral, a),
            num(acc->maintenance_margin, b), num(r->maintenance_margin, c), num(acc->upnl, d),
            num(r->upnl, f));
    }
    if (mk->margin || mk->basis == LC__BASIS_QUANTITY) {
        double lp = lc__position_lp(mk, r, base, q, side);
        add(e, "liquidation price", lp, "(base + amount − side × q × entry) / (q × mmr − side × q)",
            isnan(lp) ? "none: it would be at or below zero"
                      : "the rates depend on the size or open interest, not the price: one line",
            "(%s + %s − %s × %s × %s) / (%s × %s − %s × %s)", num(base, a),
            num(r->maintenance_amount, b), side > 0 ? "1" : "(−1)", num(q, c), num(r->entry, d),
            num(q, f), num(r->mmr, g), side > 0 ? "1" : "(−1)", num(q, h));
        return;
    }
    lc__lp_step steps[64];
    size_t n = 0;
    double lp = lc__liquidation_price_steps(mk->tiers, mk->n_tiers, r->tier - 1, base, q, side,
                                            r->entry, steps, 64, &n);
    for (size_t i = 0; i < n && i < 64; i++) {
        const lc_tier *t = &mk->tiers[steps[i].tier];
        char label[48];
        snprintf(label, sizeof label, "tier %zu", steps[i].tier + 1);
        if (steps[i].lands == steps[i].tier)
            snprintf(note, sizeof note, "the notional there, %s, is in tier %zu: settled%s",
                     num(steps[i].lp > 0 ? q * steps[i].lp : 0, a), steps[i].lands + 1,
                     steps[i].lp > 0 ? "" : "; at or below zero, so none");
        else
            snprintf(note, sizeof note, "the notional there, %s, is in tier %zu: try that tier",
                     num(steps[i].lp > 0 ? q * steps[i].lp : 0, a), steps[i].lands + 1);
        add(e, label, steps[i].lp, "(base + cum − side × q × entry) / (q × mmr − side × q)",
            note, "(%s + %s − %s × %s × %s) / (%s × %s − %s × %s)", num(base, a),
            num(t->maintenance_amount, b), side > 0 ? "1" : "(−1)", num(q, c), num(r->entry, d),
            num(q, f), num(t->mmr, g), side > 0 ? "1" : "(−1)", num(q, h));
    }
    add(e, "liquidation price", lp, NULL, isnan(lp) ? "none: it would be at or below zero" : NULL,
        NULL);
}

/* ==== Rules, status and plan ============================================ */

static const lc_rule_match *matched(const lc_rule_match *m, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i].name, name) == 0)
            return &m[i];
    return NULL;
}

static void metrics_of(const lc__cond *c, bool *acct, bool *pos)
{
    if (c->kind == LC__C_CMP)
        acct[c->metric] = true;
    for (size_t i = 0; i < c->n; i++) {
        if (c->kind == LC__C_POSITION)
            pos[c->kids[i]->metric] = true;
        else
            metrics_of(c->kids[i], acct, pos);
    }
}

static double account_metric(const lc_account_result *a, int m)
{
    switch (m) {
    case LC__M_EQUITY:
        return a->equity;
    case LC__M_COLLATERAL:
        return a->collateral;
    case LC__M_UPNL:
        return a->upnl;
    case LC__M_NOTIONAL:
        return a->notional;
    case LC__M_MM:
        return a->maintenance_margin;
    case LC__M_IM:
        return a->initial_margin;
    case LC__M_AVAILABLE:
        return a->available;
    case LC__M_MR:
        return a->margin_ratio;
    default:
        return a->leverage;
    }
}

static void explain_rules(explainer *e, const lc_policy *pol, const lc_account_result *a,
                          const lc_position_result *pos)
{
    char x[48], y[48], note[400];
    section(e, "rules");
    const lc_rule_match *m = a->rules;
    size_t n = a->n_rules;
    add(e, "maintenance", (double)NAN, "liquidate when equity <= 0 or margin_ratio >= 1",
        matched(m, n, "maintenance") ? "matched" : "not matched", "equity %s, margin_ratio %s",
        num(a->equity, x), isnan(a->margin_ratio) ? "none (no equity)" : num(a->margin_ratio, y));
    add(e, "initial_margin", (double)NAN, "over_limit when available < 0",
        matched(m, n, "initial_margin") ? "matched" : "not matched", "available %s",
        num(a->available, x));
    size_t at_limit = 0;
    for (size_t i = 0; i < a->n_positions; i++)
        at_limit += !pos[i].isolated && pos[i].over_limit;
    add(e, "position_limit", (double)NAN, "over_limit when a position is at or above its last cap",
        matched(m, n, "position_limit") ? "matched" : "not matched",
        "%zu position%s at the limit", at_limit, at_limit == 1 ? "" : "s");
    for (size_t r = 0; r < pol->delev.n_rules; r++) {
        const lc__rule *ru = &pol->delev.rules[r];
        bool acct[LC__N_METRICS] = {false}, pm[LC__N_PMETRICS] = {false};
        if (ru->when)
            metrics_of(ru->when, acct, pm);
        char vals[400] = "";
        size_t o = 0;
        for (int k = 0; k < LC__N_METRICS && o < sizeof vals - 80; k++)
            if (acct[k]) {
                double v = account_metric(a, k);
                o += (size_t)snprintf(vals + o, sizeof vals - o, "%s%s %s", o ? ", " : "",
                                      lc__metric_names[k], isnan(v) ? "none" : num(v, x));
            }
        for (int k = 0; k < LC__N_PMETRICS && o < sizeof vals - 80; k++)
            if (pm[k])
                o += (size_t)snprintf(vals + o, sizeof vals - o, "%sper position: %s",
                                      o ? ", " : "", lc__pmetric_names[k]);
        char formula[160];
        snprintf(formula, sizeof formula, "%s when %s", lc_verdict_name(ru->action),
                 ru->text ? ru->text : "?");
        snprintf(note, sizeof note, "%s", matched(m, n, ru->name) ? "matched" : "not matched");
        add(e, ru->name, (double)NAN, formula, note, "%s", vals);
    }
    for (size_t i = 0; i < a->n_findings; i++) {
        snprintf(note, sizeof note, "%s", a->findings[i].message ? a->findings[i].message : "");
        add(e, a->findings[i].rule ? a->findings[i].rule : "finding", (double)NAN, NULL, note,
            "script %s: %s", a->findings[i].script,
            a->findings[i].action ? a->findings[i].action : "?");
    }
    if (a->script_error)
        add(e, "script error", (double)NAN, NULL, "held at 1x, at least over_limit", "%s",
            a->script_error);
    section(e, "status");
    add(e, "status", (double)NAN, NULL, "the most severe of the rules that matched", "%s",
        lc_verdict_name(a->status));
}

static void explain_plan(explainer *e, const lc_plan *p, const char *whose)
{
    char a[48], b[48], note[400];
    if (!p)
        return;
    section(e, "plan (%s)", whose);
    snprintf(note, sizeof note, "order %s%s", p->order ? p->order : "-",
             p->bankrupt ? "; bankrupt: everything closed, no fee" : "");
    add(e, "plan", (double)NAN, NULL, note, "rule %s, %s, target %s", p->rule,
        lc_verdict_name(p->action), p->target ? p->target : "close everything");
    double fee_rate = p->closed_notional > 0 ? p->fee / p->closed_notional : 0;
    for (size_t i = 0; i < p->n_closes; i++) {
        const lc_close *cl = &p->closes[i];
        char label[48];
        snprintf(label, sizeof label, "close %zu", i + 1);
        snprintf(note, sizeof note, "notional %s, fee %s", num(cl->notional, a), num(cl->fee, b));
        add(e, label, cl->qty, NULL, note, "%s", cl->market);
    }
    add(e, "closed notional", p->closed_notional, NULL, NULL, NULL);
    add(e, "fee", p->fee, "fee_rate × closed notional", NULL, "%s × %s", num(fee_rate, a),
        num(p->closed_notional, b));
    const lc_after *af = &p->after;
    add(e, "after: equity", af->equity, NULL, NULL, NULL);
    add(e, "after: maintenance margin", af->maintenance_margin, NULL, NULL, NULL);
    add(e, "after: margin ratio", af->margin_ratio, NULL, NULL, NULL);
    add(e, "after: leverage", af->leverage, NULL, NULL, NULL);
    snprintf(note, sizeof note, "%s", p->target_met ? "target met" : "target not met");
    add(e, "after: status", (double)NAN, NULL, note, "%s", lc_verdict_name(af->status));
    if (p->bankrupt)
        add(e, "shortfall", p->shortfall, "−equity: what an insurance fund covers", NULL, NULL);
}

static void explain_account(explainer *e, const lc_account_result *a)
{
    char x[48], y[48], z[48];
    section(e, "account %s", a->id);
    add(e, "equity", a->equity, "collateral + Σ cross upnl", NULL, "%s + %s",
        num(a->collateral, x), num(a->upnl, y));
    add(e, "notional", a->notional, "Σ cross notional", NULL, NULL);
    add(e, "maintenance margin", a->maintenance_margin, "Σ cross maintenance margin", NULL, NULL);
    add(e, "initial margin", a->initial_margin, "Σ cross initial margin", NULL, NULL);
    add(e, "available", a->available, "equity − initial margin", NULL, "%s − %s",
        num(a->equity, x), num(a->initial_margin, y));
    add(e, "margin ratio", a->margin_ratio, "maintenance margin / equity",
        isnan(a->margin_ratio) ? "none: no equity" : NULL, "%s / %s",
        num(a->maintenance_margin, x), num(a->equity, y));
    add(e, "leverage", a->leverage, "notional / equity",
        isnan(a->leverage) ? "none: no equity" : NULL, "%s / %s", num(a->notional, x),
        num(a->equity, z));
}

/* ==== Output ============================================================ */

static void write_text(const explainer *e, FILE *out)
{
    size_t w = 0;
    for (size_t i = 0; i < e->n; i++)
        if (strlen(e->v[i].label) > w)
            w = strlen(e->v[i].label);
    const char *sec = "";
    for (size_t i = 0; i < e->n; i++) {
        const step *s = &e->v[i];
        char v[64];
        if (strcmp(sec, s->section) != 0) {
            fprintf(out, "%s%s\n", i ? "\n" : "", s->section);
            sec = s->section;
        }
        fprintf(out, "  %-*s", (int)w, s->label);
        if (s->formula[0])
            fprintf(out, "  %s", s->formula);
        if (s->expr[0] && s->formula[0]) /* a computation, or the values a statement read */
            fprintf(out, "\n  %-*s  %s %s", (int)w, "", isnan(s->value) ? "with" : "=", s->expr);
        else if (s->expr[0])
            fprintf(out, "  %s", s->expr);
        if (!isnan(s->value))
            fprintf(out, "%s%s", s->formula[0] || s->expr[0] ? " = " : "  ", num(s->value, v));
        if (s->note[0])
            fprintf(out, "  (%s)", s->note);
        fputc('\n', out);
    }
}

static void json_str(FILE *out, const char *s)
{
    lc__gov_json_str(out, s);
}

static void write_json(const explainer *e, const lc_account_result *a, const char *market, FILE *out)
{
    fputs("{\"account\":", out);
    json_str(out, a->id);
    fputs(",\"market\":", out);
    if (market)
        json_str(out, market);
    else
        fputs("null", out);
    fputs(",\"steps\":[", out);
    for (size_t i = 0; i < e->n; i++) {
        const step *s = &e->v[i];
        fputs(i ? ",\n{\"section\":" : "\n{\"section\":", out);
        json_str(out, s->section);
        fputs(",\"label\":", out);
        json_str(out, s->label);
        fputs(",\"formula\":", out);
        json_str(out, s->formula);
        fputs(",\"expression\":", out);
        json_str(out, s->expr);
        fputs(",\"value\":", out);
        if (isnan(s->value) || isinf(s->value)) {
            fputs("null", out);
        } else {
            char nb[40];
            fputs(lc__numstr(s->value, nb), out);
        }
        fputs(",\"note\":", out);
        json_str(out, s->note);
        fputc('}', out);
    }
    fputs("\n]}\n", out);
}

/* ==== Entry ============================================================= */

/* Whether tier "t" of market "m" gives maintenance_amount in the policy file. */
static bool cum_given(const lc__node *root, const char *market, unsigned t)
{
    const lc__node *mk = lc__gov_get(lc__gov_get(root, "markets", NULL), market, NULL);
    const lc__node *tiers = lc__gov_get(mk, "tiers", NULL);
    if (!tiers || tiers->kind != LC__NODE_SEQ || t == 0 || t > tiers->n)
        return false;
    return lc__gov_get(tiers->kids[t - 1], "maintenance_amount", NULL) != NULL;
}

lc_status lc_explain_write(const lc_policy *pol, const lc_portfolio *pf, const char *account,
                           const char *market, lc_format fmt, FILE *out, lc_diags *d)
{
    if (!pol || !pf || !account || !out)
        return LC_EINVAL;
    lc_report *r = NULL;
    lc_status rc = lc_evaluate(pol, pf, &r);
    if (rc)
        return rc;
    const lc_account_result *a = NULL;
    for (size_t i = 0; i < lc_report_account_count(r) && !a; i++)
        if (strcmp(lc_report_account(r, i)->id, account) == 0)
            a = lc_report_account(r, i);
    explainer e;
    memset(&e, 0, sizeof e);
    lc__arena ar;
    lc__arena_init(&ar, 16384);
    char *src = NULL;
    size_t src_len = 0;
    lc__node *root = NULL;
    if (!a) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, NULL, 0, 0,
                     "no account '%s' in the portfolio", account);
        rc = LC_EINPUT;
        goto done;
    }
    const lc_position_result *pos = lc_report_position(r, a->first_position);
    bool found = !market;
    for (size_t i = 0; i < a->n_positions && !found; i++)
        found = strcmp(pos[i].market, market) == 0;
    if (!found) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, NULL, 0, 0,
                     "account '%s' has no position in '%s'", account, market);
        rc = LC_EINPUT;
        goto done;
    }
    /* Where a maintenance amount comes from is in the file, not in the loaded policy. */
    rc = lc__read_file(pol->path, &src, &src_len, NULL);
    if (rc == LC_OK)
        rc = lc__gov_parse(pol->path, src, src_len, &ar, &root, NULL);
    if (rc == LC_ENOMEM)
        goto done;
    rc = LC_OK; /* a policy loaded from memory has no file: "derived" is all it can say */
    for (size_t i = 0; i < a->n_positions; i++)
        if (!market || strcmp(pos[i].market, market) == 0)
            explain_position(&e, pol, &pos[i], cum_given(root, pos[i].market, pos[i].tier));
    if (!market)
        explain_account(&e, a);
    for (size_t i = 0; i < a->n_positions; i++)
        if (!market || strcmp(pos[i].market, market) == 0) {
            explain_liq(&e, pol, a, &pos[i]);
            if (pos[i].isolated) {
                char who[80];
                snprintf(who, sizeof who, "isolated %s", pos[i].market);
                section(&e, "%s", who);
                add(&e, "equity", pos[i].equity, "isolated margin + upnl", NULL, NULL);
                add(&e, "margin ratio", pos[i].margin_ratio, "maintenance margin / equity", NULL,
                    NULL);
                for (size_t k = 0; k < pos[i].n_rules; k++) {
                    const lc_rule_match *m = &pos[i].rules[k];
                    char vals[400] = "", nb[48];
                    size_t o = 0;
                    for (size_t v = 0; v < m->n_values && o < sizeof vals - 80; v++)
                        o += (size_t)snprintf(vals + o, sizeof vals - o, "%s%s %s", v ? ", " : "",
                                              m->values[v].name,
                                              isnan(m->values[v].value) ? "none"
                                                                        : num(m->values[v].value, nb));
                    char formula[160];
                    snprintf(formula, sizeof formula, "%s when %s", lc_verdict_name(m->action),
                             m->condition ? m->condition : "?");
                    add(&e, m->name, (double)NAN, formula, "matched", "%s", vals);
                }
                add(&e, "status", (double)NAN, NULL, "the most severe of the rules that matched",
                    "%s", lc_verdict_name(pos[i].status));
                explain_plan(&e, pos[i].plan, who);
            }
        }
    if (!market) {
        explain_rules(&e, pol, a, pos);
        explain_plan(&e, a->plan, "cross");
    }
    if ((rc = e.rc) != LC_OK)
        goto done;
    if (fmt == LC_FORMAT_JSON)
        write_json(&e, a, market, out);
    else
        write_text(&e, out);
    rc = ferror(out) ? LC_EIO : LC_OK;
done:
    lc__free(e.v);
    lc__free(src);
    lc__arena_free(&ar);
    lc_report_free(r);
    return rc;
}
