/*
 * provenance.c - what a report was computed from, so that it can be reproduced and
 * audited: levcal's version, the policy's digest, the portfolio's bytes, each price
 * history and each plugin, with their SHA-256.
 */
#include "base/prefix.h"

#include "model/portfolio.h"
#include "report/report.h"

#include <math.h>
#include <string.h>

/* "YYYY-MM-DD", or "YYYY-MM-DDTHH:MM:SSZ" when the time is not midnight UTC. */
static void put_time(lc__out *o, double secs)
{
    if (isnan(secs)) {
        lc__out_lit(o, "null");
        return;
    }
    int64_t day = (int64_t)floor(secs / 86400);
    int64_t rest = (int64_t)(secs - (double)day * 86400);
    char b[48];
    lc__format_date(day, b);
    if (rest)
        snprintf(b + strlen(b), sizeof b - strlen(b), "T%02d:%02d:%02dZ", (int)(rest / 3600),
                 (int)(rest / 60 % 60), (int)(rest % 60));
    lc__out_json_str(o, b);
}

static void put_day(lc__out *o, const char *key, int64_t day)
{
    char b[16];
    lc__format_date(day, b);
    lc__out_str(o, key);
    lc__out_json_str(o, b);
}

void lc__provenance_json(lc__out *o, const lc_policy *pol, const lc_portfolio *pf)
{
    lc__out_lit(o, "\n\"provenance\":{\"levcal\":");
    lc__out_json_str(o, lc_version());
    lc__out_lit(o, ",\"policy\":{\"file\":");
    lc__out_json_str(o, pol->path);
    lc__out_key_str(o, ",\"digest\":", pol->digest);
    lc__out_lit(o, "},\"portfolio\":");
    if (pf) {
        lc__out_lit(o, "{\"file\":");
        lc__out_json_str(o, pf->path);
        lc__out_key_str(o, ",\"sha256\":", pf->sha256);
        lc__out_lit(o, ",\"as_of\":");
        put_time(o, pf->as_of);
        lc__out_char(o, '}');
    } else {
        lc__out_lit(o, "null");
    }
    lc__out_lit(o, ",\"histories\":[");
    bool any = false;
    for (size_t m = 0; m < pol->n_markets; m++) {
        const lc__volcfg *vc = pol->markets[m].vol;
        if (!vc || !vc->hist_used)
            continue;
        lc__out_str(o, any ? ",{\"market\":" : "{\"market\":");
        any = true;
        lc__out_json_str(o, pol->markets[m].name);
        lc__out_key_str(o, ",\"file\":", vc->hist_used);
        lc__out_key_str(o, ",\"sha256\":", vc->hist_sha256);
        put_day(o, ",\"first\":", vc->hist_first);
        put_day(o, ",\"last\":", vc->hist_last);
        lc__out_printf(o, ",\"observations\":%zu}", vc->hist_n);
    }
    lc__out_lit(o, "],\"plugins\":[");
    /* The list is newest first; the report lists them in the order they were loaded. */
    size_t n = 0;
    for (const lc__plugin *pl = pol->plugins; pl; pl = pl->next)
        n++;
    for (size_t i = n; i-- > 0;) {
        const lc__plugin *pl = pol->plugins;
        for (size_t k = 0; k < i; k++)
            pl = pl->next;
        lc__out_str(o, i + 1 == n ? "{\"name\":" : ",{\"name\":");
        lc__out_json_str(o, pl->api->name);
        lc__out_key_str(o, ",\"version\":", pl->api->version);
        lc__out_key_str(o, ",\"path\":", pl->path);
        lc__out_key_str(o, ",\"sha256\":", pl->sha256);
        lc__out_char(o, '}');
    }
    lc__out_lit(o, "]},");
}

void lc__provenance_table(lc__out *o, const lc_policy *pol, const lc_portfolio *pf)
{
    lc__out_printf(o, "policy digest %s (levcal %s)\n", pol->digest, lc_version());
    if (pf)
        lc__out_printf(o, "portfolio sha256:%s\n", pf->sha256);
}
