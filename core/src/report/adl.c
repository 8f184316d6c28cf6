/*
 * adl.c - auto-deleveraging queues: who is deleveraged first when a liquidation cannot be
 * filled, per market and side, scored as each exchange publishes it.
 *
 * bitmex: pnl_pct * eff_lev when pnl_pct > 0, else pnl_pct / eff_lev, with pnl_pct =
 * upnl / (|qty| entry) and eff_lev = notional / equity (the isolated position's, or the
 * account's for a cross position). binance: max(0, upnl) / max(1, wallet) * margin ratio,
 * wallet being the collateral (cross) or the isolated margin. hyperliquid: (mark / entry) *
 * (notional / equity) for a long, (entry / mark) * (notional / equity) for a short.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "model/portfolio.h"
#include "report/report.h"
#include "script/script.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    const char *account;
    double qty, score;
    size_t rank;
} entry;

static const char *const ranking_names[] = {"bitmex", "binance", "hyperliquid", "script"};

static double score_of(lc__adl ranking, const lc_account_result *a, const lc_position_result *p)
{
    double equity = p->isolated ? p->equity : a->equity;
    switch (ranking) {
    case LC__ADL_BITMEX: {
        double pnl = p->upnl / (fabs(p->qty) * p->entry);
        double lev = p->notional / equity;
        return pnl > 0 ? pnl * lev : pnl / lev;
    }
    case LC__ADL_BINANCE: {
        double wallet = p->isolated ? p->isolated_margin : a->collateral;
        double mr = p->isolated ? p->margin_ratio : a->margin_ratio;
        return fmax(0, p->upnl) / fmax(1, wallet) * mr;
    }
    case LC__ADL_HYPERLIQUID: {
        double r = p->qty > 0 ? p->mark / p->entry : p->entry / p->mark;
        return r * (p->notional / equity);
    }
    case LC__ADL_SCRIPT:
        break;
    }
    return (double)NAN;
}

static int by_score(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    if (a->score != b->score) {
        if (isnan(a->score) || isnan(b->score))
            return isnan(a->score) ? 1 : -1; /* a failed score goes last */
        return a->score > b->score ? -1 : 1;
    }
    return strcmp(a->account, b->account);
}

static void write_queue(lc__out *o, lc_format fmt, const char *market, const char *side,
                        const entry *e, size_t n, bool first)
{
    char nb[40];
    if (fmt == LC_FORMAT_TABLE) {
        lc__out_printf(o, "\n%s %s: %zu position%s\n%6s  %-20s %14s %14s  %s\n", market, side, n,
                       n == 1 ? "" : "s", "RANK", "ACCOUNT", "QTY", "SCORE", "INDICATOR");
        for (size_t i = 0; i < n; i++) {
            char id[64];
            snprintf(id, sizeof id, "%s", e[i].account);
            lc__escape_ctl(id, sizeof id);
            size_t ind = 5 - (5 * (e[i].rank - 1)) / n;
            lc__out_printf(o, "%6zu  %-20s %14s ", e[i].rank, id, lc__numstr(e[i].qty, nb));
            if (isnan(e[i].score)) /* people read six digits; the JSON keeps them all */
                lc__out_printf(o, "%14s  %zu\n", "-", ind);
            else
                lc__out_printf(o, "%14.6g  %zu\n", e[i].score, ind);
        }
        return;
    }
    lc__out_str(o, first ? "\n{\"market\":" : ",\n{\"market\":");
    lc__out_json_str(o, market);
    lc__out_key_str(o, ",\"side\":", side);
    lc__out_lit(o, ",\"positions\":[");
    for (size_t i = 0; i < n; i++) {
        lc__out_str(o, i ? ",{\"account\":" : "{\"account\":");
        lc__out_json_str(o, e[i].account);
        lc__out_key_num(o, ",\"qty\":", e[i].qty);
        lc__out_key_num(o, ",\"score\":", e[i].score);
        lc__out_printf(o, ",\"rank\":%zu,\"indicator\":%zu}", e[i].rank,
                       5 - (5 * (e[i].rank - 1)) / n);
    }
    lc__out_lit(o, "]}");
}

lc_status lc_adl_write(const lc_policy *pol, const lc_portfolio *pf, const lc_adl_options *opts,
                       lc_format fmt, FILE *out, lc_diags *d)
{
    if (!pol || !pf || !out || pf->pol != pol ||
        (opts && !LC__SIZE_COVERS(opts, lc_adl_options, market)))
        return LC_EINVAL;
    const char *only = opts ? opts->market : NULL;
    if (only && lc__policy_find(pol, only, strlen(only)) < 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REFERENCE, NULL, 0, 0,
                     "no market '%s' in the policy", only);
        return LC_EINPUT;
    }
    lc_report *r;
    lc_status rc = lc_evaluate(pol, pf, &r);
    if (rc)
        return rc;
    entry *e = lc__malloc((r->n_pos ? r->n_pos : 1) * sizeof(*e));
    lc__out o;
    if (!e || lc__out_init(&o, out)) {
        lc__free(e);
        lc_report_free(r);
        return LC_ENOMEM;
    }
    lc__adl ranking = pol->delev.adl;
    if (fmt == LC_FORMAT_TABLE) {
        lc__out_printf(&o, "policy %s version %lld: ADL ranking %s\n", pol->id,
                       (long long)pol->version,
                       ranking == LC__ADL_SCRIPT ? pol->delev.adl_script : ranking_names[ranking]);
        lc__provenance_table(&o, pol, pf);
    } else {
        lc__out_lit(&o, "{\"policy\":{\"id\":");
        lc__out_json_str(&o, pol->id);
        lc__out_printf(&o, ",\"version\":%lld},", (long long)pol->version);
        lc__provenance_json(&o, pol, pf);
        lc__out_lit(&o, "\n\"ranking\":");
        if (ranking == LC__ADL_SCRIPT) {
            char name[256];
            snprintf(name, sizeof name, "script:%s", pol->delev.adl_script);
            lc__out_json_str(&o, name);
        } else {
            lc__out_json_str(&o, ranking_names[ranking]);
        }
        lc__out_lit(&o, ",\"queues\":[");
    }
    bool first = true;
    size_t failures = 0;
    for (size_t m = 0; m < pol->n_markets && rc == LC_OK; m++) {
        const char *market = pol->markets[m].name;
        if (only && strcmp(only, market) != 0)
            continue;
        for (int side = 0; side < 2 && rc == LC_OK; side++) {
            size_t n = 0;
            for (size_t ai = 0; ai < r->n_acc; ai++) {
                lc_account_result *a = &r->acc[ai];
                lc_position_result *pos = r->pos + a->first_position;
                for (size_t k = 0; k < a->n_positions; k++) {
                    lc_position_result *p = &pos[k];
                    double equity = p->isolated ? p->equity : a->equity;
                    if (strcmp(p->market, market) != 0 || (side == 0) != (p->qty > 0) ||
                        !(equity > 0))
                        continue;
                    double score;
                    if (ranking == LC__ADL_SCRIPT) {
                        char err[600];
                        lc_status sr = lc__lua_adl_score(pol->lua, pol->delev.adl_script,
                                                         &pf->accts[ai], a, p, &score, err,
                                                         sizeof err);
                        if (sr == LC_ENOMEM) {
                            rc = sr;
                            break;
                        }
                        if (sr && failures++ == 0)
                            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_SCRIPT, NULL, 0, 0,
                                         "%s: %s; ranked last", a->id, err);
                    } else {
                        score = score_of(ranking, a, p);
                    }
                    e[n++] = (entry){a->id, p->qty, score, 0};
                }
            }
            if (!n || rc)
                continue;
            qsort(e, n, sizeof(*e), by_score);
            for (size_t i = 0; i < n; i++)
                e[i].rank = i + 1;
            write_queue(&o, fmt, market, side == 0 ? "long" : "short", e, n, first);
            first = false;
        }
    }
    if (failures > 1) /* every failure counted, one described */
        lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_SCRIPT, NULL, 0, 0,
                     "the ranking script failed on %zu more positions, ranked last too",
                     failures - 1);
    if (fmt == LC_FORMAT_JSON)
        lc__out_str(&o, first ? "]}\n" : "\n]}\n");
    lc_status wrc = lc__out_finish(&o);
    lc__free(e);
    lc_report_free(r);
    return rc ? rc : wrc;
}
