/*
 * stress.c - `levcal stress`: a price shock and the liquidation cascade it sets off.
 *
 * Round 0 applies the shock to the marks. Each round evaluates the whole book at the
 * current marks; every margin pool at `liquidate` carries out the policy's plan (or, with
 * no deleveraging section, closes everything), realising the closed quantity at the
 * round's mark; the round's net forced flow per market moves its mark for the next round
 * by the square-root law. The cascade stops after the first round that liquidates nothing,
 * or after the round limit. Everything is in file order: the same inputs give the same
 * bytes.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "load/history.h"
#include "model/policy.h"
#include "model/portfolio.h"
#include "model/report.h"
#include "rules/rules.h"
#include "sim/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct flow {
    double sell_qty, buy_qty;   /* closed longs (sold), closed shorts (bought) */
    double sell_notional, buy_notional;
} flow;

typedef struct round_rec {
    double *marks;              /* the marks this round evaluated */
    char **liquidated;          /* ids ("ID" or "ID/MARKET") */
    size_t n_liq, cap_liq;
    flow *fl;                   /* per market */
    double fees, shortfall;
} round_rec;

typedef struct stress {
    lc_policy *pol;
    lc_portfolio *pf;
    size_t nm;
    double *adv, *sigma, *k;    /* per market */
    double *factor;             /* the shock per market, as a factor on the mark */
    double *before;             /* the marks before the shock */
    round_rec *r;
    size_t n_rounds;
} stress;

/* ==== Inputs ============================================================ */

static const char *history_for(const lc_stress_request *rq, const char *market)
{
    size_t n = strlen(market);
    for (size_t i = 0; i < rq->n_histories; i++)
        if (strncmp(rq->histories[i], market, n) == 0 && rq->histories[i][n] == '=')
            return rq->histories[i] + n + 1;
    return NULL;
}

/* "-30%" or "0.7x"... : the factor on the mark; false if not a shock. */
static bool parse_pct(const char *s, size_t len, double *factor)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf || s[len - 1] != '%')
        return false;
    memcpy(buf, s, len - 1);
    buf[len - 1] = '\0';
    char *end;
    double p = strtod(buf, &end);
    if (*end || !(p > -100) || !(p <= 10000))
        return false;
    *factor = 1 + p / 100;
    return true;
}

static lc_status parse_shock(stress *st, const char *spec, lc_diags *d)
{
    double all;
    if (parse_pct(spec, strlen(spec), &all)) {
        for (size_t m = 0; m < st->nm; m++)
            st->factor[m] = all;
        return LC_OK;
    }
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        double f;
        long m = eq ? lc__policy_find(st->pol, p, (size_t)(eq - p)) : -1;
        if (!eq || m < 0 || !parse_pct(eq + 1, (size_t)(p + len - eq - 1), &f)) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                         "shock '%.*s': expected -30%% for every market, or MARKET=-30%%,... with "
                         "markets of the policy and moves above -100%%",
                         (int)len, p);
            return LC_EINPUT;
        }
        st->factor[m] = f;
        p += len + (p[len] == ',');
    }
    return LC_OK;
}

/* The history's close-to-close sigma and mean quote volume over the 30 days before "day"
 * (the whole file's last 30 when day is INT64_MAX), and the scenario day's low against
 * the previous close. */
static lc_status from_history(const char *path, int64_t day, double *sigma, double *adv,
                              double *shock, lc_diags *d)
{
    lc__history *h = NULL;
    lc_status rc = lc__history_load(path, day, LC__GAPS_DROP, LC__GAPS_HINT_REQUEST, &h, d);
    if (rc)
        return rc;
    size_t end = h->n; /* bars before the scenario day */
    if (day != INT64_MAX) {
        if (h->n < 2 || h->bars[h->n - 1].day != day) {
            char s[16];
            lc__format_date(day, s);
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_HISTORY, path, 0, 0,
                         "no bar on %s and the day before it for the scenario", s);
            lc__history_free(h);
            return LC_EINPUT;
        }
        end = h->n - 1;
        *shock = h->bars[h->n - 1].low / h->bars[h->n - 2].close;
    }
    double s = 0, s2 = 0, vol = 0;
    size_t n = 0, nv = 0;
    for (size_t i = end > 30 ? end - 30 : 1; i < end; i++) {
        if (!isnan(h->bars[i].ret)) {
            s += h->bars[i].ret;
            s2 += h->bars[i].ret * h->bars[i].ret;
            n++;
        }
        if (!isnan(h->qvol[i])) {
            vol += h->qvol[i];
            nv++;
        }
    }
    *sigma = n > 1 ? sqrt((s2 - s * s / (double)n) / (double)(n - 1)) : (double)NAN;
    *adv = nv ? vol / (double)nv : (double)NAN;
    lc__history_free(h);
    return LC_OK;
}

/* ==== The cascade ======================================================= */

static lc_status note_liq(round_rec *r, const char *id, const char *market)
{
    char **v = lc__grow(r->liquidated, &r->cap_liq, r->n_liq, sizeof(*v), 16);
    if (!v)
        return LC_ENOMEM;
    r->liquidated = v;
    size_t n = strlen(id) + (market ? strlen(market) + 1 : 0) + 1;
    char *s = lc__malloc(n);
    if (!s)
        return LC_ENOMEM;
    snprintf(s, n, market ? "%s/%s" : "%s", id, market ? market : "");
    r->liquidated[r->n_liq++] = s;
    return LC_OK;
}

/* Closes "q" (signed like the position) of position "p" at "mark": the flow, the realised
 * profit into *cash. */
static void close_qty(lc__pos *p, double q, double mark, flow *fl, double *cash)
{
    if (fabs(q) > fabs(p->qty))
        q = p->qty;
    *cash += q * (mark - p->entry);
    if (q > 0) {
        fl->sell_qty += q;
        fl->sell_notional += q * mark;
    } else {
        fl->buy_qty -= q;
        fl->buy_notional -= q * mark;
    }
    p->qty -= q;
    /* A remainder below a billionth of the position is rounding, not a position. */
    if (fabs(p->qty) <= 1e-12 * fabs(q))
        p->qty = 0;
}

/* Carries out one account's liquidations of this round; "a"/"res" its evaluation. */
static lc_status liquidate_account(stress *st, round_rec *r, size_t ai, const lc_account_result *a,
                                   const lc_position_result *res)
{
    lc__acct *acc = &st->pf->accts[ai];
    lc__pos *pos = st->pf->pos + acc->first;
    lc_status rc = LC_OK;
    /* Isolated pools first: each is a position of its own. */
    for (size_t i = 0; i < acc->n && rc == LC_OK; i++) {
        const lc_position_result *x = &res[i];
        if (!x->isolated || x->status != LC_VERDICT_LIQUIDATE)
            continue;
        rc = note_liq(r, a->id, x->market);
        double cash = 0, mark = x->mark;
        flow *fl = &r->fl[pos[i].market];
        bool all = !x->plan || x->plan->bankrupt || !(x->equity > 0);
        if (all) {
            close_qty(&pos[i], pos[i].qty, mark, fl, &cash);
        } else {
            for (size_t c = 0; c < x->plan->n_closes; c++)
                close_qty(&pos[i], x->plan->closes[c].qty, mark, fl, &cash);
            r->fees += x->plan->fee;
            cash -= x->plan->fee;
        }
        double left = pos[i].iso_margin + cash;
        if (pos[i].qty == 0 || !(left > 0)) {
            if (left < 0)
                r->shortfall += -left;
            else
                acc->collateral += left; /* what is left of the margin returns to the account */
            pos[i].qty = 0;
            pos[i].iso_margin = 0;
        } else {
            pos[i].iso_margin = left;
        }
    }
    if (rc || a->status != LC_VERDICT_LIQUIDATE)
        return rc;
    bool has_cross = false;
    for (size_t i = 0; i < acc->n; i++)
        has_cross = has_cross || (!res[i].isolated && pos[i].qty != 0);
    if (!has_cross)
        return LC_OK;
    if ((rc = note_liq(r, a->id, NULL)) != LC_OK)
        return rc;
    double cash = 0;
    const lc_plan *pl = a->plan;
    if (!pl || pl->bankrupt || !(a->equity > 0)) {
        /* Everything closes; the shortfall goes to the insurance fund. */
        for (size_t i = 0; i < acc->n; i++)
            if (!res[i].isolated && pos[i].qty != 0)
                close_qty(&pos[i], pos[i].qty, res[i].mark, &r->fl[pos[i].market], &cash);
        double left = acc->collateral + cash;
        if (left < 0) {
            r->shortfall += -left;
            left = 0;
        }
        acc->collateral = left;
        return LC_OK;
    }
    for (size_t c = 0; c < pl->n_closes; c++) {
        const lc_close *cl = &pl->closes[c];
        for (size_t i = 0; i < acc->n; i++) {
            if (res[i].isolated || pos[i].qty == 0 || strcmp(res[i].market, cl->market) != 0 ||
                (pos[i].qty > 0) != (cl->qty > 0))
                continue;
            close_qty(&pos[i], cl->qty, res[i].mark, &r->fl[pos[i].market], &cash);
            break;
        }
    }
    r->fees += pl->fee;
    acc->collateral += cash - pl->fee;
    return LC_OK;
}

/* Drops the closed positions, keeping every account's range in order. */
static void compact(lc_portfolio *pf)
{
    size_t w = 0;
    for (size_t a = 0; a < pf->n_accts; a++) {
        lc__acct *acc = &pf->accts[a];
        size_t first = w;
        for (size_t i = acc->first; i < acc->first + acc->n; i++)
            if (pf->pos[i].qty != 0)
                pf->pos[w++] = pf->pos[i];
        acc->first = first;
        acc->n = w - first;
    }
    pf->n_pos = w;
}

static void free_rounds(stress *st)
{
    for (size_t i = 0; i < st->n_rounds; i++) {
        for (size_t k = 0; k < st->r[i].n_liq; k++)
            lc__free(st->r[i].liquidated[k]);
        lc__free(st->r[i].liquidated);
        lc__free(st->r[i].marks);
        lc__free(st->r[i].fl);
    }
    lc__free(st->r);
}

/* ==== Output ============================================================ */

static void num(FILE *out, double v)
{
    char nb[40];
    fputs(isfinite(v) ? lc__numstr(v, nb) : "null", out);
}

static void marks_json(FILE *out, const stress *st, const double *marks)
{
    fputc('{', out);
    bool first = true;
    for (size_t m = 0; m < st->nm; m++) {
        if (isnan(marks[m]))
            continue;
        if (!first)
            fputc(',', out);
        lc__gov_json_str(out, st->pol->markets[m].name);
        fputc(':', out);
        num(out, marks[m]);
        first = false;
    }
    fputc('}', out);
}

static void write_json(const stress *st, const char *spec, const size_t *statuses,
                       const double *final, FILE *out)
{
    fputs("{\"policy\":{\"id\":", out);
    lc__gov_json_str(out, st->pol->id);
    fprintf(out, ",\"version\":%lld,\"digest\":\"%s\"},\n\"shock\":{\"spec\":",
            (long long)st->pol->version, st->pol->digest);
    lc__gov_json_str(out, spec);
    fputs(",\"factors\":{", out);
    bool first = true;
    for (size_t m = 0; m < st->nm; m++) {
        if (isnan(st->pf->marks[m]) && isnan(st->r[0].marks[m]))
            continue;
        if (!first)
            fputc(',', out);
        lc__gov_json_str(out, st->pol->markets[m].name);
        fputc(':', out);
        num(out, st->factor[m]);
        first = false;
    }
    fputs("}},\n\"rounds\":[", out);
    double closed = 0, fees = 0, shortfall = 0;
    size_t liq = 0;
    for (size_t i = 0; i < st->n_rounds; i++) {
        const round_rec *r = &st->r[i];
        fprintf(out, "%s\n{\"round\":%zu,\"marks\":", i ? "," : "", i + 1);
        marks_json(out, st, r->marks);
        fputs(",\"liquidated\":[", out);
        for (size_t k = 0; k < r->n_liq; k++) {
            fputs(k ? "," : "", out);
            lc__gov_json_str(out, r->liquidated[k]);
        }
        fputs("],\"closed\":[", out);
        bool f2 = true;
        for (size_t m = 0; m < st->nm; m++) {
            const flow *fl = &r->fl[m];
            for (int side = 0; side < 2; side++) {
                double q = side ? fl->buy_qty : fl->sell_qty;
                double n = side ? fl->buy_notional : fl->sell_notional;
                if (!(q > 0))
                    continue;
                fputs(f2 ? "{\"market\":" : ",{\"market\":", out);
                lc__gov_json_str(out, st->pol->markets[m].name);
                fprintf(out, ",\"side\":\"%s\",\"qty\":", side ? "short" : "long");
                num(out, q);
                fputs(",\"notional\":", out);
                num(out, n);
                fputc('}', out);
                f2 = false;
                closed += n;
            }
        }
        fputs("],\"fees\":", out);
        num(out, r->fees);
        fputs(",\"shortfall\":", out);
        num(out, r->shortfall);
        fputc('}', out);
        liq += r->n_liq;
        fees += r->fees;
        shortfall += r->shortfall;
    }
    fprintf(out, "\n],\n\"totals\":{\"rounds\":%zu,\"liquidated\":%zu,\"closed_notional\":",
            st->n_rounds, liq);
    num(out, closed);
    fputs(",\"fees\":", out);
    num(out, fees);
    fputs(",\"shortfall\":", out);
    num(out, shortfall);
    fputs("},\n\"final\":{\"statuses\":{", out);
    for (int v = 0; v < LC_N_VERDICTS; v++)
        fprintf(out, "%s\"%s\":%zu", v ? "," : "", lc_verdict_name((lc_verdict)v), statuses[v]);
    fputs("},\"marks\":", out);
    marks_json(out, st, final);
    fputs("}}\n", out);
}

static void write_table(const stress *st, const char *spec, const size_t *statuses,
                        const double *final, FILE *out)
{
    char a[48];
    fprintf(out, "stress of policy %s version %lld, shock %s\n", st->pol->id,
            (long long)st->pol->version, spec);
    double cum = 0, fees = 0, shortfall = 0;
    size_t liq = 0;
    for (size_t i = 0; i < st->n_rounds; i++) {
        const round_rec *r = &st->r[i];
        double closed = 0;
        for (size_t m = 0; m < st->nm; m++)
            closed += r->fl[m].sell_notional + r->fl[m].buy_notional;
        cum += closed;
        fprintf(out, "round %zu: marks", i + 1);
        for (size_t m = 0; m < st->nm; m++)
            if (!isnan(r->marks[m]))
                fprintf(out, " %s %s", st->pol->markets[m].name, lc__numstr(r->marks[m], a));
        fprintf(out, "; %zu liquidated, %s closed", r->n_liq, lc__numstr(closed, a));
        fprintf(out, ", fees %s", lc__numstr(r->fees, a));
        fprintf(out, ", shortfall %s\n", lc__numstr(r->shortfall, a));
        for (size_t k = 0; k < r->n_liq && k < 20; k++)
            fprintf(out, "%s%s", k ? " " : "  ", r->liquidated[k]);
        if (r->n_liq)
            fprintf(out, "%s\n", r->n_liq > 20 ? " ..." : "");
        liq += r->n_liq;
        fees += r->fees;
        shortfall += r->shortfall;
    }
    fprintf(out, "totals: %zu rounds, %zu liquidated, %s closed, fees %s, ", st->n_rounds, liq,
            lc__numstr(cum, a), lc__numstr(fees, a + 24));
    fprintf(out, "insurance fund shortfall %s\nfinal:", lc__numstr(shortfall, a));
    for (int v = 0; v < LC_N_VERDICTS; v++)
        fprintf(out, " %s %zu", lc_verdict_name((lc_verdict)v), statuses[v]);
    fputs("; marks", out);
    for (size_t m = 0; m < st->nm; m++)
        if (!isnan(final[m]))
            fprintf(out, " %s %s", st->pol->markets[m].name, lc__numstr(final[m], a));
    fputc('\n', out);
}

/* The marks (as a share of the mark before the shock) and the cumulative liquidated
 * notional by round, as two SVG charts, and the rounds' table: one self-contained page. */
static void write_html(const stress *st, const char *spec, const size_t *statuses, FILE *out)
{
    static const char *const colours[] = {"#1f6fb4", "#d1495b", "#2a9d8f", "#e9a23b", "#6d597a",
                                          "#264653"};
    enum { W = 520, H = 280, ML = 60, MR = 16, MT = 30, MB = 44 };
    size_t n = st->n_rounds;
    char e1[256], e2[256]; /* the names in the page, escaped */
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>levcal "
                 "stress: %s</title><style>body{font:14px/1.45 system-ui,sans-serif;color:#1d1d1f;"
                 "margin:0;background:#f6f7f9}main{max-width:1100px;margin:0 auto;padding:24px}"
                 "table{border-collapse:collapse;background:#fff;font-variant-numeric:tabular-nums;"
                 "margin:8px 0 16px}th,td{padding:3px 10px;border-bottom:1px solid #e6e8eb;"
                 "text-align:right;white-space:nowrap}th{background:#eef0f3}svg{background:#fff;"
                 "border:1px solid #d0d4da;border-radius:4px;margin:4px}</style></head><body><main>\n"
                 "<h1>Stress of %s version %lld: shock %s</h1>\n",
            lc__gov_html(spec, e1, sizeof e1), lc__gov_html(st->pol->id, e2, sizeof e2),
            (long long)st->pol->version, e1);
    /* Chart 1: marks, each as a percent of its mark before the shock. */
    double lo = 100, hi = 100;
    for (size_t i = 0; i < n; i++)
        for (size_t m = 0; m < st->nm; m++)
            if (!isnan(st->r[i].marks[m]) && st->before[m] > 0) {
                double v = 100 * st->r[i].marks[m] / st->before[m];
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
    lo = floor(lo / 10) * 10;
    hi = ceil(hi / 10) * 10;
    if (hi <= lo)
        hi = lo + 10;
#define X(i) (ML + (n > 1 ? (double)(i) / (double)(n - 1) : 0.5) * (W - ML - MR))
    fprintf(out, "<svg id=\"marks\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>marks by "
                 "round, as %% of the mark before the shock</title>\n",
            W, H, W, H);
    for (double v = lo; v <= hi + 1e-9; v += (hi - lo) / 5) {
        double y = MT + (hi - v) / (hi - lo) * (H - MT - MB);
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e9e9e9\"/><text "
                     "x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%g%%</text>\n",
                ML, y, W - MR, y, ML - 6, y + 4, v);
    }
    int c = 0;
    for (size_t m = 0; m < st->nm; m++) {
        if (isnan(st->r[0].marks[m]) || !(st->before[m] > 0))
            continue;
        const char *col = colours[c++ % 6];
        fprintf(out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"", col);
        for (size_t i = 0; i < n; i++)
            fprintf(out, "%c%.1f %.1f", i ? 'L' : 'M', X(i),
                    MT + (hi - 100 * st->r[i].marks[m] / st->before[m]) / (hi - lo) * (H - MT - MB));
        fprintf(out, "\"><title>%s</title></path><text x=\"%d\" y=\"%d\" font-size=\"12\" "
                     "fill=\"%s\">%s</text>\n",
                lc__gov_html(st->pol->markets[m].name, e1, sizeof e1), ML + 10 + 90 * (c - 1),
                18, col, e1);
    }
    for (size_t i = 0; i < n; i++)
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%zu</text>",
                X(i), H - MB + 15, i + 1);
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">round</text>"
                 "</svg>\n",
            (ML + W - MR) / 2, H - 10);
    /* Chart 2: cumulative liquidated notional, a bar per round. */
    double cum = 0, top = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t m = 0; m < st->nm; m++)
            top += st->r[i].fl[m].sell_notional + st->r[i].fl[m].buy_notional;
    if (!(top > 0))
        top = 1;
    fprintf(out, "<svg id=\"liquidated\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>"
                 "cumulative liquidated notional by round</title>\n<text x=\"%d\" y=\"18\" "
                 "font-size=\"12\">cumulative liquidated notional</text>\n",
            W, H, W, H, ML);
    for (int k = 0; k <= 4; k++) {
        char nb[40];
        double v = top * k / 4, y = H - MB - v / top * (H - MT - MB);
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e9e9e9\"/><text "
                     "x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
                ML, y, W - MR, y, ML - 6, y + 4, lc__numstr(round(v), nb));
    }
    double slot = (W - ML - MR) / (double)(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        for (size_t m = 0; m < st->nm; m++)
            cum += st->r[i].fl[m].sell_notional + st->r[i].fl[m].buy_notional;
        double h = cum / top * (H - MT - MB), x = ML + (double)i * slot;
        char nb[40];
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d1495b\">"
                     "<title>after round %zu: %s</title></rect><text x=\"%.1f\" y=\"%d\" "
                     "font-size=\"11\" text-anchor=\"middle\">%zu</text>\n",
                x + slot * 0.15, H - MB - h, slot * 0.7, h, i + 1, lc__numstr(cum, nb),
                x + slot / 2, H - MB + 15, i + 1);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">round</text>\n",
            (ML + W - MR) / 2, H - 10);
    fputs("</svg>\n<table id=\"rounds\"><tr><th>round</th><th>liquidated</th><th>closed notional"
          "</th><th>fees</th><th>shortfall</th></tr>\n",
          out);
    for (size_t i = 0; i < n; i++) {
        double closed = 0;
        for (size_t m = 0; m < st->nm; m++)
            closed += st->r[i].fl[m].sell_notional + st->r[i].fl[m].buy_notional;
        char a[40], b[40], d2[40];
        fprintf(out, "<tr><td>%zu</td><td>%zu</td><td data-v=\"%s\">%.2f</td><td data-v=\"%s\">%.2f"
                     "</td><td data-v=\"%s\">%.2f</td></tr>\n",
                i + 1, st->r[i].n_liq, lc__numstr(closed, a), closed, lc__numstr(st->r[i].fees, b),
                st->r[i].fees, lc__numstr(st->r[i].shortfall, d2), st->r[i].shortfall);
    }
    fputs("</table>\n<table id=\"final\"><tr>", out);
    for (int v = 0; v < LC_N_VERDICTS; v++)
        fprintf(out, "<th>%s</th>", lc_verdict_name((lc_verdict)v));
    fputs("</tr><tr>", out);
    for (int v = 0; v < LC_N_VERDICTS; v++)
        fprintf(out, "<td>%zu</td>", statuses[v]);
    fputs("</tr></table>\n</main></body></html>\n", out);
#undef X
}

/* ==== Entry ============================================================= */

lc_status lc_stress_write(lc_policy *pol, lc_portfolio *pf, const lc_stress_request *rq,
                          lc_format fmt, FILE *out, FILE *html, lc_diags *d)
{
    if (!pol || !pf || !rq || !out || pf->pol != pol ||
        !LC__SIZE_COVERS(rq, lc_stress_request, rounds) || (!rq->shock == !rq->has_scenario))
        return LC_EINVAL;
    stress st;
    memset(&st, 0, sizeof st);
    st.pol = pol;
    st.pf = pf;
    st.nm = pol->n_markets;
    st.adv = lc__calloc(st.nm + 1, sizeof(double));
    st.sigma = lc__calloc(st.nm + 1, sizeof(double));
    st.k = lc__calloc(st.nm + 1, sizeof(double));
    st.factor = lc__calloc(st.nm + 1, sizeof(double));
    st.before = lc__calloc(st.nm + 1, sizeof(double));
    int max_rounds = rq->rounds ? rq->rounds : 20;
    double volx = rq->vol_multiplier != 0 ? rq->vol_multiplier : 1;
    double *final = lc__calloc(st.nm + 1, sizeof(double));
    size_t statuses[LC_N_VERDICTS] = {0};
    lc_report *rep = NULL;
    lc_status rc = LC_OK;
    if (!st.adv || !st.sigma || !st.k || !st.factor || !st.before || !final) {
        rc = LC_ENOMEM;
        goto done;
    }
    if (max_rounds < 1 || !(volx > 0)) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                     "expected at least one round and a positive volatility multiplier");
        rc = LC_EINPUT;
        goto done;
    }
    for (size_t m = 0; m < st.nm; m++)
        st.factor[m] = 1;
    if (rq->shock && (rc = parse_shock(&st, rq->shock, d)) != LC_OK)
        goto done;
    {
        /* The caps as eval would set them: the histories given for volatility-capped
         * markets, and for a replay only the days before the scenario. */
        const char **vh = lc__calloc(rq->n_histories + 1, sizeof(*vh));
        if (!vh) {
            rc = LC_ENOMEM;
            goto done;
        }
        lc_calibration cal = LC_CALIBRATION_INIT;
        for (size_t i = 0; i < rq->n_histories; i++) {
            const char *eq = strchr(rq->histories[i], '=');
            long m = eq ? lc__policy_find(pol, rq->histories[i],
                                          (size_t)(eq - rq->histories[i]))
                        : -1;
            if (m >= 0 && pol->markets[m].vol)
                vh[cal.n_histories++] = rq->histories[i];
        }
        cal.histories = vh;
        cal.has_until = rq->has_scenario;
        cal.until_day = rq->scenario_day - 1;
        rc = lc_policy_calibrate(pol, &cal, d);
        lc__free(vh);
        if (rc)
            goto done;
    }
    /* Liquidity, and the scenario's shocks, for every market the book holds. */
    bool *held = lc__calloc(st.nm + 1, sizeof(bool));
    if (!held) {
        rc = LC_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < pf->n_pos; i++)
        held[pf->pos[i].market] = true;
    for (size_t m = 0; m < st.nm && rc == LC_OK; m++) {
        const lc__market *mk = &pol->markets[m];
        double hs = (double)NAN, ha = (double)NAN, shock = 1;
        const char *path = history_for(rq, mk->name);
        if (!held[m])
            continue;
        if (path)
            rc = from_history(path, rq->has_scenario ? rq->scenario_day : INT64_MAX, &hs, &ha,
                              &shock, d);
        else if (rq->has_scenario) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                         "the scenario needs market '%s''s history: give --history %s=FILE",
                         mk->name, mk->name);
            rc = LC_EINPUT;
        }
        if (rc)
            break;
        if (rq->has_scenario)
            st.factor[m] = shock;
        st.adv[m] = !isnan(mk->liq_adv) ? mk->liq_adv : ha;
        st.sigma[m] = !isnan(mk->liq_sigma) ? mk->liq_sigma
                      : !isnan(hs)          ? hs
                      : mk->vol && mk->vol->state == LC__VOL_OK
                          ? mk->vol->sigma_h / sqrt(mk->vol->horizon_days)
                          : (double)NAN;
        st.k[m] = !isnan(mk->liq_k) ? mk->liq_k : 1;
        if (!(st.adv[m] > 0) || !(st.sigma[m] > 0)) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, pol->path, mk->line, mk->col,
                         "market '%s' has no %s for the square-root law: give 'liquidity: {adv: "
                         "N, sigma_1d: x}' in the policy, or --history %s=FILE",
                         mk->name, !(st.adv[m] > 0) ? "ADV" : "one-day sigma", mk->name);
            rc = LC_EINPUT;
        }
    }
    lc__free(held);
    if (rc)
        goto done;
    /* --vol: the volatility caps as the multiplied forecasts would set them. */
    for (size_t m = 0; m < st.nm && volx != 1; m++)
        if (pol->markets[m].vol && pol->markets[m].vol->state == LC__VOL_OK) {
            pol->markets[m].vol->sigma_h *= volx;
            lc__vol_apply(&pol->markets[m]);
        }
    /* Round 0: the shock. */
    for (size_t m = 0; m < st.nm; m++) {
        st.before[m] = pf->marks[m];
        pf->marks[m] *= st.factor[m];
    }
    st.r = lc__calloc((size_t)max_rounds + 1, sizeof(*st.r));
    if (!st.r) {
        rc = LC_ENOMEM;
        goto done;
    }
    for (int round = 0; round < max_rounds && rc == LC_OK; round++) {
        round_rec *r = &st.r[st.n_rounds++];
        r->marks = lc__malloc((st.nm + 1) * sizeof(double));
        r->fl = lc__calloc(st.nm + 1, sizeof(flow));
        if (!r->marks || !r->fl) {
            rc = LC_ENOMEM;
            break;
        }
        memcpy(r->marks, pf->marks, st.nm * sizeof(double));
        lc_report_free(rep);
        rep = NULL;
        if ((rc = lc_evaluate(pol, pf, &rep)) != LC_OK)
            break;
        for (size_t a = 0; a < rep->n_acc && rc == LC_OK; a++)
            rc = liquidate_account(&st, r, a, &rep->acc[a], rep->pos + rep->acc[a].first_position);
        if (rc)
            break;
        compact(pf);
        if (r->n_liq == 0)
            break;
        /* The square-root law on the round's net forced flow. */
        for (size_t m = 0; m < st.nm; m++) {
            const flow *fl = &r->fl[m];
            double net = fl->sell_qty - fl->buy_qty;
            if (net == 0)
                continue;
            double s = net > 0 ? 1 : -1, notional = fabs(net) * pf->marks[m];
            double move = s * st.k[m] * st.sigma[m] * sqrt(notional / st.adv[m]);
            if (move > 0.99)
                move = 0.99; /* a mark never reaches zero */
            pf->marks[m] *= 1 - move;
        }
    }
    if (rc == LC_OK) {
        /* The book as the cascade leaves it. */
        lc_report_free(rep);
        rep = NULL;
        if ((rc = lc_evaluate(pol, pf, &rep)) == LC_OK)
            for (size_t a = 0; a < rep->n_acc; a++)
                statuses[rep->acc[a].status]++;
        memcpy(final, pf->marks, st.nm * sizeof(double));
    }
    if (rc == LC_OK) {
        const char *spec = rq->shock ? rq->shock : "scenario";
        char sbuf[40];
        if (rq->has_scenario) {
            lc__format_date(rq->scenario_day, sbuf);
            spec = sbuf;
        }
        if (fmt == LC_FORMAT_JSON)
            write_json(&st, spec, statuses, final, out);
        else
            write_table(&st, spec, statuses, final, out);
        if (html)
            write_html(&st, spec, statuses, html);
        if (ferror(out) || (html && ferror(html)))
            rc = LC_EIO;
    }
done:
    lc_report_free(rep);
    free_rounds(&st);
    lc__free(st.adv);
    lc__free(st.sigma);
    lc__free(st.k);
    lc__free(st.factor);
    lc__free(st.before);
    lc__free(final);
    return rc;
}
