/*
 * report_json.c - the JSON report, the machine contract documented in docs/report.md.
 *
 * One account per line inside a single JSON document, so the output is both one valid
 * JSON value and easy to grep. Numbers use the shortest text that reads back to the
 * same double; values that do not exist (no liquidation price) are null.
 */
#include "base/prefix.h"

#include "model/fields.h"
#include "model/portfolio.h"
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
    snprintf(buf, 40, "%.2f", fabs(v) < 0.005 ? 0.0 : v);
    return buf;
}

/* A rate as a percentage with two decimals. */
static char *percent(double v, char *buf)
{
    if (!isfinite(v))
        strcpy(buf, "null");
    else
        snprintf(buf, 40, "%.2f%%", v * 100);
    return buf;
}

void lc__position_reason_text(const lc_position_result *p, char *buf, size_t size)
{
    char a[48], b[48], c[48];
    switch (p->reason) {
    case LC_REASON_NO_EQUITY:
        snprintf(buf, size, "equity %s is not above 0", lc__cents(p->equity, a));
        break;
    case LC_REASON_MARGIN_RATIO:
        snprintf(buf, size, "maintenance margin %s is not below equity %s (margin ratio %s)",
                 lc__cents(p->maintenance_margin, a), lc__cents(p->equity, b),
                 percent(p->margin_ratio, c));
        break;
    case LC_REASON_NO_AVAILABLE:
        snprintf(buf, size, "initial margin %s exceeds equity %s", lc__cents(p->initial_margin, a),
                 lc__cents(p->equity, b));
        break;
    case LC_REASON_POSITION_LIMIT:
        snprintf(buf, size, "%s notional %s is at or above the market's position limit",
                 p->market, lc__cents(p->notional, a));
        break;
    default:
        buf[0] = '\0';
        break;
    }
}

void lc__breach_text(const lc_breach *br, const lc_account_result *ac,
                     const lc_position_result *pos, char *buf, size_t size)
{
    char a[48], b[48], c[48];
    const lc_position_result *p = br->index < ac->n_positions ? &pos[br->index] : NULL;
    switch (br->reason) {
    case LC_REASON_NONE:
        buf[0] = '\0';
        break;
    case LC_REASON_NO_EQUITY:
        snprintf(buf, size, "equity %s is not above 0", lc__cents(ac->equity, a));
        break;
    case LC_REASON_MARGIN_RATIO:
        snprintf(buf, size, "maintenance margin %s is not below equity %s (margin ratio %s)",
                 lc__cents(ac->maintenance_margin, a), lc__cents(ac->equity, b),
                 percent(ac->margin_ratio, c));
        break;
    case LC_REASON_NO_AVAILABLE:
        snprintf(buf, size, "initial margin %s exceeds equity %s",
                 lc__cents(ac->initial_margin, a), lc__cents(ac->equity, b));
        break;
    case LC_REASON_NEGATIVE_COLLATERAL:
        snprintf(buf, size, "collateral %s is negative", lc__cents(ac->collateral, a));
        break;
    case LC_REASON_POSITION_LIMIT:
        if (p)
            lc__position_reason_text(&(lc_position_result){.market = p->market,
                                                           .notional = p->notional,
                                                           .reason = LC_REASON_POSITION_LIMIT},
                                     buf, size);
        else
            buf[0] = '\0';
        break;
    case LC_REASON_ISOLATED:
        if (p) {
            char inner[256];
            lc__position_reason_text(p, inner, sizeof inner);
            snprintf(buf, size, "isolated %s position: %s", p->market, inner);
        } else {
            buf[0] = '\0';
        }
        break;
    case LC_REASON_SCRIPT:
        if (br->index < ac->n_findings) {
            const lc_finding *f = &ac->findings[br->index];
            snprintf(buf, size, "script %s, rule %s: %s", f->script, f->rule,
                     f->message ? f->message : f->action);
        } else {
            buf[0] = '\0';
        }
        break;
    case LC_REASON_SCRIPT_ERROR:
        snprintf(buf, size, "%s; the account is held at 1x",
                 ac->script_error ? ac->script_error : "script error");
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

static void key_num_n(lc__out *o, const char *key, size_t len, double v)
{
    lc__out_mem(o, key, len);
    lc__out_num(o, v);
}

/* Keys are literals: their length is known at compile time. */
#define key_num(o, key, v) key_num_n((o), "" key, sizeof(key) - 1, (v))

static void write_position(lc__out *o, const lc_position_result *p)
{
    lc__out_lit(o, "{\"market\":");
    lc__out_json_str(o, p->market);
#define WRITE(name, kind) key_num(o, ",\"" #name "\":", (double)p->name);
    LC__POSITION_NUMBERS(WRITE)
#undef WRITE
    lc__out_str(o, p->over_limit ? ",\"over_limit\":true" : ",\"over_limit\":false");
    lc__out_lit(o, ",\"binding\":\"");
    lc__out_str(o, lc_binding_name(p->binding));
    if (p->binding == LC_BIND_SCRIPT && p->binding_script) {
        lc__out_char(o, ':');
        lc__out_str(o, p->binding_script);
    }
    lc__out_char(o, '"');
    char w[320];
    if (lc__script_warning_text(p, w, sizeof w)) {
        lc__out_lit(o, ",\"script_warning\":");
        lc__out_json_str(o, w);
    }
    if (p->model) {
        key_num(o, ",\"tier_max_leverage\":", p->tier_max_leverage);
        lc__out_lit(o, ",\"model\":");
        lc__out_json_str(o, p->model);
        key_num(o, ",\"sigma_h\":", p->sigma_h);
        key_num(o, ",\"z\":", p->z);
    }
    if (p->isolated) {
        key_num(o, ",\"isolated_margin\":", p->isolated_margin);
        key_num(o, ",\"equity\":", p->equity);
        key_num(o, ",\"margin_ratio\":", p->margin_ratio);
        lc__out_lit(o, ",\"status\":\"");
        lc__out_str(o, lc_verdict_name(p->status));
        lc__out_lit(o, "\",\"reason\":");
        if (p->reason == LC_REASON_NONE) {
            lc__out_lit(o, "null");
        } else {
            char why[256];
            lc__position_reason_text(p, why, sizeof why);
            lc__out_json_str(o, why);
        }
    }
    lc__out_char(o, '}');
}

static void write_account(lc__out *o, const lc_account_result *a, const lc_position_result *pos)
{
    lc__out_lit(o, "{\"id\":");
    lc__out_json_str(o, a->id);
    lc__out_lit(o, ",\"status\":\"");
    lc__out_str(o, lc_verdict_name(a->status));
    lc__out_lit(o, "\",\"reason\":");
    char why[1400];
    if (a->reason == LC_REASON_NONE) {
        lc__out_lit(o, "null");
    } else {
        lc__reason_text(a, pos, why, sizeof why);
        lc__out_json_str(o, why);
    }
    /* Every rule broken, the reason first. Few accounts break more than a handful. */
    lc_breach few[8], *br = few;
    size_t nb = lc_account_breaches(a, pos, few, LC_ARRAY_LEN(few));
    if (nb > LC_ARRAY_LEN(few)) {
        br = lc__malloc(nb * sizeof(*br));
        if (!br) {
            o->failed = o->oom = true;
            return;
        }
        lc_account_breaches(a, pos, br, nb);
    }
    if (nb) {
        lc__out_lit(o, ",\"reasons\":[");
        for (size_t i = 0; i < nb; i++) {
            if (i)
                lc__out_char(o, ',');
            lc__breach_text(&br[i], a, pos, why, sizeof why);
            lc__out_json_str(o, why);
        }
        lc__out_char(o, ']');
    }
    if (br != few)
        lc__free(br);
#define WRITE(name, kind) key_num(o, ",\"" #name "\":", a->name);
    LC__ACCOUNT_NUMBERS(WRITE)
#undef WRITE
    if (a->core_status != a->status) {
        lc__out_lit(o, ",\"core_status\":\"");
        lc__out_str(o, lc_verdict_name(a->core_status));
        lc__out_char(o, '"');
    }
    if (a->script_error) {
        lc__out_lit(o, ",\"script_error\":");
        lc__out_json_str(o, a->script_error);
    }
    if (a->n_findings) {
        lc__out_lit(o, ",\"findings\":[");
        for (size_t i = 0; i < a->n_findings; i++) {
            const lc_finding *f = &a->findings[i];
            if (i)
                lc__out_char(o, ',');
            lc__out_lit(o, "{\"script\":");
            lc__out_json_str(o, f->script);
            lc__out_lit(o, ",\"rule\":");
            lc__out_json_str(o, f->rule);
            lc__out_lit(o, ",\"action\":");
            lc__out_json_str(o, f->action);
            lc__out_lit(o, ",\"message\":");
            if (f->message)
                lc__out_json_str(o, f->message);
            else
                lc__out_lit(o, "null");
            lc__out_char(o, '}');
        }
        lc__out_char(o, ']');
    }
    if (a->n_log) {
        lc__out_lit(o, ",\"log\":[");
        for (size_t i = 0; i < a->n_log; i++) {
            if (i)
                lc__out_char(o, ',');
            lc__out_json_str(o, a->log[i]);
        }
        lc__out_char(o, ']');
    }
    lc__out_lit(o, ",\"positions\":[");
    for (size_t i = 0; i < a->n_positions; i++) {
        if (i)
            lc__out_char(o, ',');
        write_position(o, &pos[i]);
    }
    lc__out_lit(o, "]}");
}

/* The volatility state of every capped market: what a reviewer needs to see why a cap
 * is where it is, including a model that failed and left its market at the fallback. */
static void write_volatility(lc__out *o, const lc_policy *pol)
{
    bool any = false;
    for (size_t m = 0; m < pol->n_markets; m++) {
        const lc__market *mk = &pol->markets[m];
        const lc__volcfg *vc = mk->vol;
        if (!vc)
            continue;
        const lc__model_def *md = &pol->models[vc->model];
        lc__out_str(o, any ? "," : "\n\"volatility\":{");
        any = true;
        lc__out_json_str(o, mk->name);
        lc__out_lit(o, ":{\"model\":");
        lc__out_json_str(o, md->name);
        lc__out_lit(o, ",\"plugin\":");
        lc__out_json_str(o, md->plugin->api->name);
        lc__out_lit(o, ",\"plugin_version\":");
        lc__out_json_str(o, md->plugin->api->version);
        lc__out_lit(o, ",\"plugin_path\":");
        lc__out_json_str(o, md->plugin->path);
        key_num(o, ",\"horizon_days\":", vc->horizon_days);
        key_num(o, ",\"confidence\":", vc->confidence);
        key_num(o, ",\"z\":", vc->z);
        key_num(o, ",\"sigma_h\":", vc->sigma_h);
        key_num(o, ",\"fallback_max_leverage\":", vc->fallback);
        lc__out_str(o, vc->state == LC__VOL_OK ? ",\"status\":\"ok\",\"reason\":null"
                                               : ",\"status\":\"fallback\",\"reason\":");
        if (vc->state != LC__VOL_OK)
            lc__out_json_str(o, vc->reason);
        lc__out_char(o, '}');
    }
    if (any)
        lc__out_lit(o, "},");
}

lc_status lc__report_write_json(lc__source *src, FILE *f)
{
    lc__out o;
    if (lc__out_init(&o, f))
        return LC_ENOMEM;
    memset(&src->summary, 0, sizeof src->summary);
    lc__out_lit(&o, "{\"policy\":{\"id\":");
    lc__out_json_str(&o, src->pol->id);
    lc__out_printf(&o, ",\"version\":%lld},", (long long)src->pol->version);
    write_volatility(&o, src->pol);
    lc__out_lit(&o, "\n\"accounts\":[");
    size_t written = 0;
    for (size_t i = 0; i < src->n_acc; i++) {
        const lc_position_result *pos;
        const lc_account_result *a = src->get(src, i, &pos);
        if (!a) {
            lc__out_finish(&o);
            return src->failed;
        }
        lc__summary_add(&src->summary, a);
        if (!lc__selected(src, a))
            continue;
        lc__out_str(&o, written++ ? ",\n" : "\n");
        write_account(&o, a, pos);
    }
    /* The summary comes last: a streamed report knows the counts only at the end. */
    lc__out_printf(&o,
                   "\n],\n\"summary\":{\"accounts\":%zu,\"positions\":%zu,\"ok\":%zu,"
                   "\"over_limit\":%zu,\"liquidate\":%zu,\"script_errors\":%zu}}\n",
                   src->n_acc, src->n_pos, src->summary.by_status[LC_VERDICT_OK],
                   src->summary.by_status[LC_VERDICT_OVER_LIMIT],
                   src->summary.by_status[LC_VERDICT_LIQUIDATE], src->summary.script_errors);
    src->summary.accounts = src->n_acc;
    src->summary.positions = src->n_pos;
    return lc__out_finish(&o);
}
