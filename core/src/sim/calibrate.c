/*
 * calibrate.c - `levcal calibrate`: a market's tiers derived from a volatility forecast
 * and its liquidity.
 *
 * Per tier, maintenance covers the move during a liquidation plus the square-root market
 * impact of liquidating the whole tier (Almgren et al. 2005; Toth et al. 2011); initial
 * margin adds the move over the initial-margin horizon. The policy written carries a
 * `calibration:` block saying exactly how, which the digest covers.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "gov/gov.h"
#include "load/history.h"
#include "rules/rules.h"
#include "sim/sim.h"
#include "syntax/comments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TIERS 64

/* x rounded up to 0.0001, a hair of binary noise (0.0065 stored as 0.00650000001) aside. */
static double ceil4(double x)
{
    return ceil(x * 10000 - 1e-7) / 10000;
}

static void yaml_str(lc__buf *o, const char *s)
{
    lc__fmt_string(o, s, strlen(s), true);
}

static void put_num(lc__buf *o, double v)
{
    char nb[40];
    lc__buf_str(o, lc__numstr(v, nb));
}

/* The options every market of one calibration shares. */
typedef struct opts {
    double mm_c, im_c, mm_h, im_h, k, adv;
    const lc_calibrate_request *rq;
} opts;

static lc_status read_opts(const lc_calibrate_request *rq, opts *o, lc_diags *d)
{
    /* Zero means the default. */
    o->mm_c = rq->mm_confidence != 0 ? rq->mm_confidence : 0.99;
    o->im_c = rq->im_confidence != 0 ? rq->im_confidence : 0.99;
    o->mm_h = rq->mm_horizon_days != 0 ? rq->mm_horizon_days : 1.0 / 24;
    o->im_h = rq->im_horizon_days != 0 ? rq->im_horizon_days : 1.0;
    o->k = rq->impact_k_set ? rq->impact_k : 1.0;
    o->adv = rq->adv;
    o->rq = rq;
    if (!(o->mm_c > 0.5 && o->mm_c < 1) || !(o->im_c > 0.5 && o->im_c < 1) || !(o->k >= 0)) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                     "confidences must lie in (0.5, 1) and impact-k be at least 0");
        return LC_EINPUT;
    }
    return LC_OK;
}

/* One market: the tiers for "caps" from the model fitted to "h", into mmr/lev (*pn of them),
 * and its entry under calibration.markets appended to "cal". */
static lc_status one_market(const opts *o, const char *market, const char *history,
                            const lc__history *h, const lc_plugin_api *api, const char *model,
                            const lc_param *settings, size_t n_settings, const double *caps,
                            size_t n_caps, double *mmr, double *lev, size_t *pn, lc__buf *cal,
                            lc_diags *d)
{
    char err[256];
    double s_mm = 0, s_im = 0, s_1d = 0;
    lc_model *m = NULL;
    lc_fit_status st = lc__model_fit(api, d, settings, n_settings, h->bars, h->n, &m, err,
                                     sizeof err);
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, m, o->mm_h, &s_mm, err, sizeof err);
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, m, o->im_h, &s_im, err, sizeof err);
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, m, 1.0, &s_1d, err, sizeof err);
    lc_status rc = LC_OK;
    if (st != LC_FIT_OK) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_MODEL, NULL, 0, 0, "market '%s': model '%s' failed: %s",
                     market, model, err);
        rc = LC_EINPUT;
        goto done;
    }
    /* Liquidity: given, or the mean quote volume of the history's last 30 days. */
    double adv = o->adv;
    size_t adv_days = 0;
    if (!(adv > 0)) {
        double sum = 0;
        for (size_t i = h->n > 30 ? h->n - 30 : 0; i < h->n; i++)
            if (!isnan(h->qvol[i])) {
                sum += h->qvol[i];
                adv_days++;
            }
        if (adv_days == 0) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_HISTORY, history, 0, 0,
                         "no quote volume to measure the market's liquidity: the file needs a "
                         "'quote_volume' column or a 'volume <quote>' column whose currency ends "
                         "the symbol (Volume USDT for BTC/USDT); or give --adv");
            rc = LC_EINPUT;
            goto done;
        }
        adv = sum / (double)adv_days;
    }
    double z_mm = lc__norm_ppf(o->mm_c), z_im = lc__norm_ppf(o->im_c);
    size_t n = 0;
    for (size_t i = 0; i < n_caps; i++) {
        double mr = ceil4(z_mm * s_mm + o->k * s_1d * sqrt(caps[i] / adv));
        double l = floor(1 / (mr + z_im * s_im));
        if (l < 1)
            l = 1;
        if (n) { /* each adjustment only tightens */
            if (l > lev[n - 1])
                l = lev[n - 1];
            if (mr < mmr[n - 1])
                mr = mmr[n - 1];
        }
        if (mr >= 1 || mr * l >= 1) {
            char c1[40], c2[40], c3[40];
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_VALUE, NULL, 0, 0,
                         "market '%s': the table ends at tier %zu: at cap %s the maintenance rate "
                         "%s would reach 1/max_leverage = %s",
                         market, n, lc__numstr(caps[i], c1), lc__numstr(mr, c2),
                         lc__numstr(1 / l, c3));
            break;
        }
        mmr[n] = mr;
        lev[n++] = l;
    }
    *pn = n;
    if (n == 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0,
                     "market '%s': no tier can be calibrated: even the first cap's maintenance "
                     "rate reaches 1/max_leverage",
                     market);
        rc = LC_EINPUT;
        goto done;
    }
    char first[16], last[16];
    lc__format_date(h->bars[0].day, first);
    lc__format_date(h->bars[h->n - 1].day, last);
    lc__buf_str(cal, "    ");
    yaml_str(cal, market);
    lc__buf_str(cal, ":\n      model: ");
    yaml_str(cal, model);
    lc__buf_str(cal, "\n      plugin: ");
    yaml_str(cal, api->name);
    lc__buf_str(cal, "\n      plugin_version: ");
    yaml_str(cal, api->version ? api->version : "");
    lc__buf_str(cal, "\n      params: {");
    for (size_t i = 0; i < n_settings; i++) {
        lc__buf_printf(cal, "%s%s: ", i ? ", " : "", settings[i].name);
        put_num(cal, settings[i].value);
    }
    lc__buf_str(cal, "}\n      fitted: {");
    const lc_stat *stats = NULL;
    size_t ns = api->results(m, &stats);
    for (size_t i = 0; stats && i < ns; i++) {
        lc__buf_printf(cal, "%s%s: ", i ? ", " : "", stats[i].name);
        put_num(cal, stats[i].value);
    }
    lc__buf_str(cal, "}\n      history: {file: ");
    yaml_str(cal, history);
    lc__buf_printf(cal, ", sha256: %s, first: %s, last: %s, observations: %zu}\n", h->sha256,
                   first, last, h->n);
    lc__buf_str(cal, "      sigma_1d: ");
    put_num(cal, s_1d);
    lc__buf_str(cal, "\n      sigma_mm_horizon: ");
    put_num(cal, s_mm);
    lc__buf_str(cal, "\n      sigma_im_horizon: ");
    put_num(cal, s_im);
    lc__buf_str(cal, "\n      adv: ");
    put_num(cal, adv);
    if (o->adv > 0)
        lc__buf_str(cal, "\n      adv_source: given\n");
    else
        lc__buf_printf(cal, "\n      adv_source: mean quote volume of the last %zu days\n", adv_days);
done:
    if (m)
        api->destroy(m);
    return rc;
}

/* The block's shared part: levcal's version and every option. */
static void common(lc__buf *cal, const opts *o, const double *caps, size_t n_caps)
{
    char day[16];
    lc__buf_printf(cal, "calibration:\n  levcal: %s\n  options: {", lc_version());
    if (caps) {
        lc__buf_str(cal, "caps: [");
        for (size_t i = 0; i < n_caps; i++) {
            lc__buf_str(cal, i ? ", " : "");
            put_num(cal, caps[i]);
        }
        lc__buf_str(cal, "], ");
    }
    lc__buf_str(cal, "mm_confidence: ");
    put_num(cal, o->mm_c);
    lc__buf_str(cal, ", mm_horizon_days: ");
    put_num(cal, o->mm_h);
    lc__buf_str(cal, ", im_confidence: ");
    put_num(cal, o->im_c);
    lc__buf_str(cal, ", im_horizon_days: ");
    put_num(cal, o->im_h);
    lc__buf_str(cal, ", impact_k: ");
    put_num(cal, o->k);
    if (o->rq->vol.has_until) {
        lc__format_date(o->rq->vol.until_day, day);
        lc__buf_printf(cal, ", until: %s", day);
    }
    lc__buf_str(cal, "}\n  markets:\n");
}

/* The text in canonical form (which also proves that it loads) to "out". */
static lc_status finish(const char *name, lc__buf *y, FILE *out, lc_diags *d)
{
    lc_status rc = lc__buf_status(y);
    char *canon = NULL;
    size_t len = 0;
    if (rc == LC_OK)
        rc = lc_policy_format(name, y->p, y->len, &canon, &len, d);
    if (rc == LC_OK && fwrite(canon, 1, len, out) != len)
        rc = LC_EIO;
    lc_free(canon);
    return rc;
}

lc_status lc_calibrate_write(const lc_calibrate_request *rq, FILE *out, lc_diags *d)
{
    if (!rq || !out || !LC__SIZE_COVERS(rq, lc_calibrate_request, lot_size) || !rq->caps ||
        rq->n_caps == 0)
        return LC_EINVAL;
    opts o;
    lc_status rc = read_opts(rq, &o, d);
    if (rc)
        return rc;
    if (rq->n_caps > MAX_TIERS) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0, "at most %d caps", MAX_TIERS);
        return LC_EINPUT;
    }
    for (size_t i = 0; i < rq->n_caps; i++)
        if (!(rq->caps[i] > 0) || !isfinite(rq->caps[i]) || (i && !(rq->caps[i] > rq->caps[i - 1]))) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                         "caps must be positive and strictly increasing; cap %zu is %g", i + 1,
                         rq->caps[i]);
            return LC_EINPUT;
        }
    lc_vol_result *vr = NULL;
    lc__history *h = NULL;
    if ((rc = lc__vol_prepare(&rq->vol, &vr, &h, d)) != LC_OK)
        return rc;
    /* The market: as asked, else the history's symbol without separators (BTC/USDT). */
    char market[64];
    size_t mn = 0;
    for (const char *c = rq->market ? rq->market : h->symbol; c && *c && mn + 1 < sizeof market; c++)
        if (rq->market || (*c != '/' && *c != '-' && *c != '_' && *c != ' '))
            market[mn++] = *c;
    market[mn] = '\0';
    lc__buf y = {0}, cal = {0};
    double mmr[MAX_TIERS], lev[MAX_TIERS];
    size_t n = 0;
    if (!market[0]) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                     "the history names no symbol: give the market's name (--market)");
        rc = LC_EINPUT;
        goto done;
    }
    common(&cal, &o, rq->caps, rq->n_caps);
    rc = one_market(&o, market, rq->vol.history, h, vr->plugin->api, vr->model, vr->settings,
                    vr->n_settings, rq->caps, rq->n_caps, mmr, lev, &n, &cal, d);
    if (rc)
        goto done;
    char last[16];
    lc__format_date(h->bars[h->n - 1].day, last);
    lc__buf_printf(&y, "levcal: 1\npolicy:\n  id: calibrated-%s\n  version: 1\n  owner: ", market);
    yaml_str(&y, rq->owner ? rq->owner : "unassigned");
    lc__buf_printf(&y, "\n  description: \"Tiers for %s calibrated by levcal calibrate with %s on "
                       "the daily history %s up to %s; see the calibration block.\"\n",
                   market, vr->model, rq->vol.history, last);
    lc__buf_mem(&y, cal.p ? cal.p : "", cal.len);
    lc__buf_str(&y, "markets:\n  ");
    yaml_str(&y, market);
    lc__buf_str(&y, ":\n");
    if (rq->lot_size > 0) {
        lc__buf_str(&y, "    lot_size: ");
        put_num(&y, rq->lot_size);
        lc__buf_char(&y, '\n');
    }
    lc__buf_str(&y, "    tiers:\n");
    for (size_t i = 0; i < n; i++) {
        lc__buf_str(&y, "      - {cap: ");
        put_num(&y, rq->caps[i]);
        lc__buf_str(&y, ", max_leverage: ");
        put_num(&y, lev[i]);
        lc__buf_str(&y, ", mmr: ");
        put_num(&y, mmr[i]);
        lc__buf_str(&y, "}\n");
    }
    if ((rc = lc__buf_status(&cal)) == LC_OK)
        rc = finish("calibrated.yaml", &y, out, d);
done:
    lc__buf_free(&y);
    lc__buf_free(&cal);
    lc__history_free(h);
    lc_vol_result_free(vr);
    return rc;
}

/* ==== Recalibrating a policy ============================================ */

typedef struct edit {
    size_t from, to;  /* the bytes replaced */
    char text[64];    /* by this */
} edit;

static int edit_cmp(const void *a, const void *b)
{
    size_t x = ((const edit *)a)->from, y = ((const edit *)b)->from;
    return x < y ? 1 : x > y ? -1 : 0; /* last first: earlier offsets stay valid */
}

static const char *override_for(const char *const *hist, size_t n, const char *market)
{
    size_t len = strlen(market);
    for (size_t i = 0; i < n; i++)
        if (strncmp(hist[i], market, len) == 0 && hist[i][len] == '=')
            return hist[i] + len + 1;
    return NULL;
}

lc_status lc_recalibrate_write(const lc_policy *pol, const lc_calibrate_request *rq,
                               const char *const *histories, size_t n_histories, FILE *out,
                               lc_diags *d)
{
    if (!pol || !rq || !out || (!histories && n_histories))
        return LC_EINVAL;
    opts o;
    lc_status rc = read_opts(rq, &o, d);
    if (rc)
        return rc;
    char *src = NULL;
    size_t len = 0;
    lc__arena a;
    lc__arena_init(&a, 16384);
    lc__buf cal = {0}, y = {0};
    edit *ed = NULL;
    size_t n_ed = 0, cap_ed = 0, n_cal = 0;
    lc__node *root = NULL;
    if ((rc = lc__read_file(pol->path, &src, &len, d)) != LC_OK ||
        (rc = lc__gov_parse(pol->path, src, len, &a, &root, d)) != LC_OK)
        goto done;
    common(&cal, &o, NULL, 0);
    const lc__node *markets = lc__gov_get(root, "markets", NULL);
    for (size_t mi = 0; mi < pol->n_markets && rc == LC_OK; mi++) {
        const lc__market *mk = &pol->markets[mi];
        const lc__volcfg *vc = mk->vol;
        if (!vc)
            continue;
        if (mk->margin || mk->basis == LC__BASIS_QUANTITY) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, pol->path, mk->line, mk->col,
                         "market '%s' %s: calibration derives notional tiers and cannot "
                         "rewrite it", mk->name,
                         mk->margin ? "has a margin scheme" : "is keyed by quantity");
            rc = LC_EINPUT;
            break;
        }
        const char *path = override_for(histories, n_histories, mk->name);
        if (!path)
            path = vc->history;
        if (!path) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_HISTORY, pol->path, vc->line, vc->col,
                         "market '%s' has no price history: give --history %s=FILE", mk->name,
                         mk->name);
            rc = LC_EINPUT;
            break;
        }
        double caps[MAX_TIERS], mmr[MAX_TIERS], lev[MAX_TIERS];
        size_t n = 0;
        for (size_t t = 0; t < mk->n_tiers && t < MAX_TIERS; t++)
            caps[t] = mk->tiers[t].cap;
        if (mk->n_tiers > MAX_TIERS || !isfinite(caps[mk->n_tiers - 1])) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, pol->path, mk->line, mk->col,
                         "market '%s': a tier without a finite cap cannot be calibrated (its "
                         "impact term needs the notional)",
                         mk->name);
            rc = LC_EINPUT;
            break;
        }
        lc__history *h = NULL;
        if ((rc = lc__history_load(path, rq->vol.has_until ? rq->vol.until_day : INT64_MAX,
                                   vc->gaps, LC__GAPS_HINT_POLICY, &h, d)) != LC_OK)
            break;
        const lc__model_def *md = &pol->models[vc->model];
        rc = one_market(&o, mk->name, path, h, md->plugin->api, md->name, md->params,
                        md->n_params, caps, mk->n_tiers, mmr, lev, &n, &cal, d);
        lc__history_free(h);
        if (rc)
            break;
        if (n < mk->n_tiers) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, pol->path, mk->line, mk->col,
                         "market '%s': only %zu of its %zu tiers can be calibrated; recalibrate "
                         "with fewer tiers (levcal calibrate --caps)",
                         mk->name, n, mk->n_tiers);
            rc = LC_EINPUT;
            break;
        }
        n_cal++;
        /* The new figures go where the old ones are written; a given maintenance amount is
         * replaced by the one the new rates derive, which the loader checks. */
        lc_tier nt[MAX_TIERS];
        double cum = 0;
        for (size_t t = 0; t < n; t++) {
            nt[t] = (lc_tier){caps[t], lev[t], mmr[t], 0};
            cum = lc__tier_derived_cum(nt, t, cum);
            nt[t].maintenance_amount = cum;
        }
        const lc__node *tiers = lc__gov_get(lc__gov_get(markets, mk->name, NULL), "tiers", NULL);
        for (size_t t = 0; tiers && t < tiers->n && t < n; t++) {
            static const char *const keys[] = {"max_leverage", "mmr", "maintenance_amount"};
            double vals[3] = {nt[t].max_leverage, nt[t].mmr, nt[t].maintenance_amount};
            for (int k = 0; k < 3; k++) {
                const lc__node *v = lc__gov_get(tiers->kids[t], keys[k], NULL);
                if (!v || v->kind != LC__NODE_SCALAR)
                    continue;
                if (n_ed == cap_ed) {
                    cap_ed = cap_ed ? 2 * cap_ed : 64;
                    edit *ne = lc__realloc(ed, cap_ed * sizeof(*ed));
                    if (!ne) {
                        rc = LC_ENOMEM;
                        goto done;
                    }
                    ed = ne;
                }
                edit *e = &ed[n_ed++];
                e->from = lc__text_offset(src, len, v->line, v->col);
                e->to = lc__text_offset(src, len, v->end_line, v->end_col);
                lc__numstr(vals[k], e->text);
            }
        }
    }
    if (rc)
        goto done;
    if (n_cal == 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, pol->path, 0, 0,
                     "no market of the policy has a volatility section to calibrate from");
        rc = LC_EINPUT;
        goto done;
    }
    /* An earlier calibration block gives way to this one. */
    const lc__node *kc = NULL, *vcal = lc__gov_get(root, "calibration", &kc);
    if (vcal) {
        size_t from = lc__text_offset(src, len, kc->line, 1);
        size_t to = lc__text_offset(src, len, vcal->end_line, vcal->end_col);
        if (vcal->flow)
            while (to < len && src[to - 1] != '\n')
                to++;
        else
            while (to > from && src[to - 1] != '\n')
                to--;
        if (n_ed == cap_ed) {
            edit *ne = lc__realloc(ed, (cap_ed + 1) * sizeof(*ed));
            if (!ne) {
                rc = LC_ENOMEM;
                goto done;
            }
            ed = ne;
        }
        ed[n_ed++] = (edit){from, to, ""};
    }
    qsort(ed, n_ed, sizeof(*ed), edit_cmp);
    lc__buf_mem(&y, src, len);
    if (len && src[len - 1] != '\n')
        lc__buf_char(&y, '\n');
    for (size_t i = 0; i < n_ed && lc__buf_status(&y) == LC_OK; i++) {
        /* Splice: what follows the edit moves to its new place. */
        size_t tl = strlen(ed[i].text), tail = y.len - ed[i].to;
        lc__buf_fill(&y, ' ', tl > ed[i].to - ed[i].from ? tl - (ed[i].to - ed[i].from) : 0);
        if (lc__buf_status(&y))
            break;
        memmove(y.p + ed[i].from + tl, y.p + ed[i].to, tail);
        memcpy(y.p + ed[i].from, ed[i].text, tl);
        y.len = ed[i].from + tl + tail;
        y.p[y.len] = '\0';
    }
    lc__buf_mem(&y, cal.p ? cal.p : "", cal.len);
    if ((rc = lc__buf_status(&cal)) == LC_OK)
        rc = finish(pol->path, &y, out, d);
done:
    lc__free(ed);
    lc__free(src);
    lc__buf_free(&y);
    lc__buf_free(&cal);
    lc__arena_free(&a);
    return rc;
}
