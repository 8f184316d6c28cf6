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

#include <math.h>
#include <stdio.h>
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

lc_status lc_calibrate_write(const lc_calibrate_request *rq, FILE *out, lc_diags *d)
{
    if (!rq || !out || !LC__SIZE_COVERS(rq, lc_calibrate_request, lot_size) || !rq->caps ||
        rq->n_caps == 0)
        return LC_EINVAL;
    /* Zero means the default. */
    double mm_c = rq->mm_confidence != 0 ? rq->mm_confidence : 0.99;
    double im_c = rq->im_confidence != 0 ? rq->im_confidence : 0.99;
    double mm_h = rq->mm_horizon_days != 0 ? rq->mm_horizon_days : 1.0 / 24;
    double im_h = rq->im_horizon_days != 0 ? rq->im_horizon_days : 1.0;
    double k = rq->impact_k_set ? rq->impact_k : 1.0;
    if (!(mm_c > 0.5 && mm_c < 1) || !(im_c > 0.5 && im_c < 1) || !(k >= 0) ||
        rq->n_caps > MAX_TIERS) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                     "confidences must lie in (0.5, 1), impact-k be at least 0, and there be at "
                     "most %d caps",
                     MAX_TIERS);
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
    lc_status rc = lc__vol_prepare(&rq->vol, &vr, &h, d);
    if (rc)
        return rc;
    /* The market: as asked, else the history's symbol without separators (BTC/USDT). */
    char market[64];
    size_t mn = 0;
    for (const char *c = rq->market ? rq->market : h->symbol; c && *c && mn + 1 < sizeof market; c++)
        if (rq->market || (*c != '/' && *c != '-' && *c != '_' && *c != ' '))
            market[mn++] = *c;
    market[mn] = '\0';
    lc__buf y = {0};
    char *canon = NULL;
    size_t canon_len = 0;
    const lc_plugin_api *api = vr->plugin->api;
    char err[256];
    double s_mm = 0, s_im = 0, s_1d = 0;
    lc_fit_status st = lc__model_fit(api, d, vr->settings, vr->n_settings, h->bars, h->n,
                                     &vr->inst, err, sizeof err);
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, vr->inst, mm_h, &s_mm, err, sizeof err);
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, vr->inst, im_h, &s_im, err, sizeof err);
    if (st == LC_FIT_OK)
        st = lc__model_forecast(api, vr->inst, 1.0, &s_1d, err, sizeof err);
    if (st != LC_FIT_OK) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_MODEL, NULL, 0, 0, "model '%s' failed: %s",
                     vr->model, err);
        rc = LC_EINPUT;
        goto done;
    }
    if (!market[0]) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                     "the history names no symbol: give the market's name (--market)");
        rc = LC_EINPUT;
        goto done;
    }
    /* Liquidity: given, or the mean quote volume of the history's last 30 days. */
    double adv = rq->adv;
    size_t adv_days = 0;
    if (!(adv > 0)) {
        double sum = 0;
        for (size_t i = h->n > 30 ? h->n - 30 : 0; i < h->n; i++)
            if (!isnan(h->qvol[i])) {
                sum += h->qvol[i];
                adv_days++;
            }
        if (adv_days == 0) {
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_HISTORY, rq->vol.history, 0, 0,
                         "no quote volume to measure the market's liquidity: the file needs a "
                         "'quote_volume' column or a 'volume <quote>' column whose currency ends "
                         "the symbol (Volume USDT for BTC/USDT); or give --adv");
            rc = LC_EINPUT;
            goto done;
        }
        adv = sum / (double)adv_days;
    }
    double z_mm = lc__norm_ppf(mm_c), z_im = lc__norm_ppf(im_c);
    double mmr[MAX_TIERS], lev[MAX_TIERS];
    size_t n = 0;
    for (size_t i = 0; i < rq->n_caps; i++) {
        double m = ceil4(z_mm * s_mm + k * s_1d * sqrt(rq->caps[i] / adv));
        double l = floor(1 / (m + z_im * s_im));
        if (l < 1)
            l = 1;
        if (n) { /* each adjustment only tightens */
            if (l > lev[n - 1])
                l = lev[n - 1];
            if (m < mmr[n - 1])
                m = mmr[n - 1];
        }
        if (m >= 1 || m * l >= 1) {
            char c1[40], c2[40], c3[40];
            lc__diag_add(d, LC_SEV_WARNING, LC_DIAG_VALUE, NULL, 0, 0,
                         "the table ends at tier %zu: at cap %s the maintenance rate %s would reach "
                         "1/max_leverage = %s",
                         n, lc__numstr(rq->caps[i], c1), lc__numstr(m, c2), lc__numstr(1 / l, c3));
            break;
        }
        mmr[n] = m;
        lev[n++] = l;
    }
    if (n == 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0,
                     "no tier can be calibrated: even the first cap's maintenance rate reaches "
                     "1/max_leverage");
        rc = LC_EINPUT;
        goto done;
    }
    /* The policy, as text, then in canonical form (which also proves that it loads). */
    char first[16], last[16], day[16];
    lc__format_date(h->bars[0].day, first);
    lc__format_date(h->bars[h->n - 1].day, last);
    lc__buf_str(&y, "levcal: 1\npolicy:\n  id: ");
    lc__buf_printf(&y, "calibrated-%s", market);
    lc__buf_str(&y, "\n  version: 1\n  owner: ");
    yaml_str(&y, rq->owner ? rq->owner : "unassigned");
    lc__buf_printf(&y, "\n  description: \"Tiers for %s calibrated by levcal calibrate with %s on "
                       "the daily history %s up to %s; see the calibration block.\"\n",
                   market, vr->model, rq->vol.history, last);
    lc__buf_str(&y, "calibration:\n  model: ");
    yaml_str(&y, vr->model);
    lc__buf_str(&y, "\n  plugin: ");
    yaml_str(&y, api->name);
    lc__buf_str(&y, "\n  plugin_version: ");
    yaml_str(&y, api->version ? api->version : "");
    lc__buf_str(&y, "\n  params: {");
    for (size_t i = 0; i < vr->n_settings; i++) {
        lc__buf_printf(&y, "%s%s: ", i ? ", " : "", vr->settings[i].name);
        put_num(&y, vr->settings[i].value);
    }
    lc__buf_str(&y, "}\n  fitted: {");
    const lc_stat *stats = NULL;
    size_t ns = api->results(vr->inst, &stats);
    for (size_t i = 0; stats && i < ns; i++) {
        lc__buf_printf(&y, "%s%s: ", i ? ", " : "", stats[i].name);
        put_num(&y, stats[i].value);
    }
    lc__buf_str(&y, "}\n  history: {file: ");
    yaml_str(&y, rq->vol.history);
    lc__buf_printf(&y, ", sha256: %s, first: %s, last: %s, observations: %zu}\n", h->sha256, first,
                   last, h->n);
    lc__buf_str(&y, "  sigma_1d: ");
    put_num(&y, s_1d);
    lc__buf_str(&y, "\n  sigma_mm_horizon: ");
    put_num(&y, s_mm);
    lc__buf_str(&y, "\n  sigma_im_horizon: ");
    put_num(&y, s_im);
    lc__buf_str(&y, "\n  adv: ");
    put_num(&y, adv);
    if (rq->adv > 0)
        lc__buf_str(&y, "\n  adv_source: given");
    else
        lc__buf_printf(&y, "\n  adv_source: mean quote volume of the last %zu days", adv_days);
    lc__buf_str(&y, "\n  options: {caps: [");
    for (size_t i = 0; i < rq->n_caps; i++) {
        lc__buf_str(&y, i ? ", " : "");
        put_num(&y, rq->caps[i]);
    }
    lc__buf_str(&y, "], mm_confidence: ");
    put_num(&y, mm_c);
    lc__buf_str(&y, ", mm_horizon_days: ");
    put_num(&y, mm_h);
    lc__buf_str(&y, ", im_confidence: ");
    put_num(&y, im_c);
    lc__buf_str(&y, ", im_horizon_days: ");
    put_num(&y, im_h);
    lc__buf_str(&y, ", impact_k: ");
    put_num(&y, k);
    if (rq->vol.has_until) {
        lc__format_date(rq->vol.until_day, day);
        lc__buf_printf(&y, ", until: %s", day);
    }
    lc__buf_printf(&y, "}\n  levcal: %s\nmarkets:\n  ", lc_version());
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
    if ((rc = lc__buf_status(&y)) != LC_OK)
        goto done;
    /* The name resolves nothing (no relative paths in it); "calibrated.yaml" labels errors. */
    rc = lc_policy_format("calibrated.yaml", y.p, y.len, &canon, &canon_len, d);
    if (rc == LC_OK && fwrite(canon, 1, canon_len, out) != canon_len)
        rc = LC_EIO;
done:
    lc_free(canon);
    lc__buf_free(&y);
    lc__history_free(h);
    lc_vol_result_free(vr);
    return rc;
}
