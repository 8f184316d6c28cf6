/*
 * report_table.c - the report for people: aligned columns, each account on a line with
 * every rule it breaks and its positions indented below it.
 *
 * Every row is formatted twice, once to measure the columns and once to print them; the
 * table is meant for books a person reads, where that cost does not matter. Column
 * headers are short and reasons get lines of their own, so the common book fits in 160
 * columns.
 */
#include "base/prefix.h"

#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
    C_NAME, C_STATUS, C_QTY, C_ENTRY, C_MARK, C_NOTIONAL, C_TIER, C_MAXLEV, C_MMR, C_MM,
    C_IM, C_UPNL, C_LIQ, C_EQUITY, C_AVAIL, C_MR, C_LEV, C_BIND, C_N
};

static const char *const headers[C_N] = {
    "ACCOUNT", "STATUS", "QTY", "ENTRY", "MARK", "NOTIONAL", "TIER", "MAXLEV", "MMR",
    "MAINT", "INITIAL", "UPNL", "LIQ", "EQUITY", "AVAIL", "MR", "LEV", "BOUND"};

#define CELL 320
typedef char row[C_N][CELL];

/* Money with two decimals and thousands separators: 1,535,443.01; from 10 million on
 * in millions (1,214.40M), whose cents no reader needs and whose width would push the
 * table past 160 columns. The JSON report keeps every figure exact. */
static void money(char *out, double v)
{
    if (!isfinite(v)) {
        strcpy(out, "-");
        return;
    }
    bool millions = fabs(v) >= 1e7;
    char digits[CELL];
    snprintf(digits, sizeof digits, "%.2f%s", fabs(v) / (millions ? 1e6 : 1), millions ? "M" : "");
    char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t o = 0;
    if (v < 0 && strcmp(digits, "0.00") != 0)
        out[o++] = '-';
    for (size_t i = 0; i < int_len && o < CELL - 8; i++) {
        if (i && (int_len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    snprintf(out + o, CELL - o, "%s", dot ? dot : "");
}

static void plain(char *out, double v)
{
    if (!isfinite(v))
        strcpy(out, "-");
    else
        lc__numstr(v, out);
}

/* Ids, markets and script texts come from users: no control byte reaches the terminal. */
static void escape_row(row c)
{
    lc__escape_ctl(c[C_NAME], CELL);
    lc__escape_ctl(c[C_BIND], CELL);
}

static void account_row(const lc_account_result *a, row c)
{
    memset(c, 0, sizeof(row));
    snprintf(c[C_NAME], CELL, "%s", a->id);
    /* Markers for what the lines below the account say: E F L. */
    bool notes = a->script_error || a->n_findings || a->n_log;
    snprintf(c[C_STATUS], CELL, "%s%s%s%s%s", lc_verdict_name(a->status), notes ? " " : "",
             a->script_error ? "E" : "", a->n_findings ? "F" : "", a->n_log ? "L" : "");
    money(c[C_NOTIONAL], a->notional);
    money(c[C_MM], a->maintenance_margin);
    money(c[C_IM], a->initial_margin);
    money(c[C_UPNL], a->upnl);
    money(c[C_EQUITY], a->equity);
    money(c[C_AVAIL], a->available);
    if (isfinite(a->margin_ratio))
        snprintf(c[C_MR], CELL, "%.2f%%", a->margin_ratio * 100);
    else
        strcpy(c[C_MR], "-");
    if (isfinite(a->leverage))
        snprintf(c[C_LEV], CELL, "%.2fx", a->leverage);
    else
        strcpy(c[C_LEV], "-");
    escape_row(c);
}

static void position_row(const lc_position_result *p, row c)
{
    memset(c, 0, sizeof(row));
    snprintf(c[C_NAME], CELL, "  %s", p->market);
    bool w = p->ignored_script || p->clamped_script;
    if (p->isolated)
        snprintf(c[C_STATUS], CELL, "iso %s%s", lc_verdict_name(p->status), w ? " W" : "");
    else
        snprintf(c[C_STATUS], CELL, "cross%s", w ? " W" : "");
    plain(c[C_QTY], p->qty);
    plain(c[C_ENTRY], p->entry);
    plain(c[C_MARK], p->mark);
    money(c[C_NOTIONAL], p->notional);
    snprintf(c[C_TIER], CELL, "%u%s", p->tier, p->over_limit ? "!" : "");
    snprintf(c[C_MAXLEV], CELL, "%.4gx", p->max_leverage);
    if (p->binding == LC_BIND_SCRIPT && p->binding_script)
        snprintf(c[C_BIND], CELL, "script:%s", p->binding_script);
    else
        snprintf(c[C_BIND], CELL, "%s", lc_binding_name(p->binding));
    snprintf(c[C_MMR], CELL, "%.4g%%", p->mmr * 100);
    money(c[C_MM], p->maintenance_margin);
    money(c[C_IM], p->initial_margin);
    money(c[C_UPNL], p->upnl);
    money(c[C_LIQ], p->liquidation_price);
    if (p->isolated) {
        money(c[C_EQUITY], p->equity);
        if (isfinite(p->margin_ratio))
            snprintf(c[C_MR], CELL, "%.2f%%", p->margin_ratio * 100);
        else
            strcpy(c[C_MR], "-");
    }
    escape_row(c);
}

static void measure(row c, size_t *w)
{
    for (int k = 0; k < C_N; k++)
        if (strlen(c[k]) > w[k])
            w[k] = strlen(c[k]);
}

static void print_row(lc__out *o, row c, const size_t *w)
{
    for (int k = 0; k < C_N; k++) {
        size_t len = strlen(c[k]);
        bool left = k == C_NAME || k == C_STATUS || k == C_BIND;
        if (k)
            lc__out_str(o, "  ");
        if (left)
            lc__out_str(o, c[k]);
        for (size_t i = len; i < w[k]; i++)
            lc__out_char(o, ' ');
        if (!left)
            lc__out_str(o, c[k]);
    }
    /* Trim the padding the last columns leave behind. */
    while (o->len && o->buf[o->len - 1] == ' ')
        o->len--;
    lc__out_char(o, '\n');
}

/* A line under the account for a text from its evaluation: a rule it breaks, its script
 * failure, a script's finding or log line. */
static void text_line(lc__out *o, const char *mark, const char *text)
{
    char buf[1500]; /* escaping keeps at most 1023 bytes of the text */
    snprintf(buf, sizeof buf, "%s", text);
    lc__escape_ctl(buf, sizeof buf);
    lc__out_str(o, "    ");
    lc__out_str(o, mark);
    lc__out_char(o, ' ');
    lc__out_str(o, buf);
    lc__out_char(o, '\n');
}

/* A plan in two lines: what it closes, and what is left. */
static void plan_lines(lc__out *o, const char *who, const lc_plan *pl)
{
    char line[1400], m1[CELL], m2[CELL], nb[40];
    int off = snprintf(line, sizeof line, "%s%s plan (rule %s, %s): ", who, lc_verdict_name(pl->action),
                       pl->rule, pl->target ? pl->target : "close all");
    if (pl->bankrupt)
        off += snprintf(line + off, sizeof line - (size_t)off, "bankrupt, ");
    for (size_t i = 0; i < pl->n_closes && off > 0 && (size_t)off < sizeof line - 80; i++)
        off += snprintf(line + off, sizeof line - (size_t)off, "%sclose %s %s",
                        i ? ", " : "", pl->closes[i].market, lc__numstr(pl->closes[i].qty, nb));
    money(m1, pl->fee);
    if (off > 0 && (size_t)off < sizeof line)
        snprintf(line + off, sizeof line - (size_t)off, "%sfee %s", pl->n_closes ? "; " : "", m1);
    text_line(o, "P", line);
    money(m1, pl->after.equity);
    if (isfinite(pl->after.margin_ratio))
        snprintf(m2, sizeof m2, "%.2f%%", pl->after.margin_ratio * 100);
    else
        strcpy(m2, "-");
    money(nb, pl->shortfall);
    snprintf(line, sizeof line, "after: equity %s, margin ratio %s, status %s; target %s%s%s",
             m1, m2, lc_verdict_name(pl->after.status), pl->target_met ? "met" : "not met",
             pl->bankrupt ? "; shortfall " : "", pl->bankrupt ? nb : "");
    text_line(o, "P", line);
}

static void account_texts(lc__out *o, const lc_account_result *a, const lc_position_result *pos)
{
    lc_breach few[16];
    size_t nb = lc_account_breaches(a, pos, few, LC_ARRAY_LEN(few));
    char why[1400];
    for (size_t i = 0; i < nb && i < LC_ARRAY_LEN(few); i++) {
        lc__breach_text(&few[i], a, pos, why, sizeof why);
        text_line(o, few[i].severity == LC_VERDICT_LIQUIDATE ? "!!" : "!", why);
    }
    if (nb > LC_ARRAY_LEN(few)) {
        snprintf(why, sizeof why, "and %zu more (see the JSON report)", nb - LC_ARRAY_LEN(few));
        text_line(o, "!", why);
    }
    for (size_t i = 0; i < a->n_findings; i++) {
        const lc_finding *f = &a->findings[i];
        if (strcmp(f->action, "note") != 0)
            continue; /* over_limit and liquidate findings are among the reasons */
        snprintf(why, sizeof why, "script %s, rule %s: %s", f->script, f->rule,
                 f->message ? f->message : f->action);
        text_line(o, "F", why);
    }
    for (size_t i = 0; i < a->n_log; i++)
        text_line(o, "L", a->log[i]);
    if (a->plan)
        plan_lines(o, "", a->plan);
    for (size_t j = 0; j < a->n_positions; j++) {
        if (pos[j].plan) {
            char who[CELL];
            snprintf(who, sizeof who, "isolated %s: ", pos[j].market);
            plan_lines(o, who, pos[j].plan);
        }
    }
    for (size_t j = 0; j < a->n_positions; j++) {
        char w[320];
        if (!lc__script_warning_text(&pos[j], w, sizeof w))
            continue;
        snprintf(why, sizeof why, "%s: %s", pos[j].market, w);
        text_line(o, "W", why);
    }
}

/* One line per volatility-capped market: its model, forecast and state. */
static void volatility_lines(lc__out *o, const lc_policy *pol)
{
    char a[40], b[40], c[40];
    for (size_t m = 0; m < pol->n_markets; m++) {
        const lc__market *mk = &pol->markets[m];
        const lc__volcfg *vc = mk->vol;
        if (!vc)
            continue;
        const lc__model_def *md = &pol->models[vc->model];
        char line[1024];
        if (vc->state == LC__VOL_OK)
            snprintf(line, sizeof line, "volatility %s: model %s (%s %s), sigma %s over %s d, z %s: ok",
                     mk->name, md->name, md->plugin->api->name, md->plugin->api->version,
                     lc__numstr(vc->sigma_h, a), lc__numstr(vc->horizon_days, b),
                     lc__numstr(vc->z, c));
        else
            snprintf(line, sizeof line, "volatility %s: model %s (%s %s): fallback %sx: %s",
                     mk->name, md->name, md->plugin->api->name, md->plugin->api->version,
                     lc__numstr(vc->fallback, a), vc->reason);
        lc__escape_ctl(line, sizeof line);
        lc__out_str(o, line);
        lc__out_char(o, '\n');
    }
}

lc_status lc__report_write_table(lc__source *src, FILE *f)
{
    memset(&src->summary, 0, sizeof src->summary);
    size_t w[C_N];
    row c;
    for (int k = 0; k < C_N; k++)
        w[k] = strlen(headers[k]);
    for (size_t i = 0; i < src->n_acc; i++) {
        const lc_position_result *pos;
        const lc_account_result *a = src->get(src, i, &pos);
        if (!a)
            return src->failed;
        if (!lc__selected(src, a))
            continue;
        account_row(a, c);
        measure(c, w);
        for (size_t j = 0; j < a->n_positions; j++) {
            position_row(&pos[j], c);
            measure(c, w);
        }
    }

    lc__out o;
    if (lc__out_init(&o, f))
        return LC_ENOMEM;
    char id[CELL];
    snprintf(id, sizeof id, "%s", src->pol->id);
    lc__escape_ctl(id, sizeof id);
    lc__out_printf(&o, "policy %s version %lld: %zu accounts, %zu positions\n", id,
                   (long long)src->pol->version, src->n_acc, src->n_pos);
    lc__provenance_table(&o, src->pol, src->pf ? src->pf : src->report ? src->report->pf : NULL);
    volatility_lines(&o, src->pol);
    lc__out_char(&o, '\n');
    for (int k = 0; k < C_N; k++)
        snprintf(c[k], CELL, "%s", headers[k]);
    print_row(&o, c, w);
    size_t shown = 0;
    size_t i = 0;
    const lc_account_result *a;
    const lc_position_result *pos;
    int got;
    while ((got = lc__source_next(src, &i, &a, &pos)) > 0) {
        shown++;
        account_row(a, c);
        print_row(&o, c, w);
        account_texts(&o, a, pos);
        for (size_t j = 0; j < a->n_positions; j++) {
            position_row(&pos[j], c);
            print_row(&o, c, w);
        }
    }
    if (got < 0) {
        lc__out_finish(&o);
        return src->failed;
    }
    src->summary.accounts = src->n_acc;
    src->summary.positions = src->n_pos;
    const lc_summary *s = &src->summary;
    lc__out_printf(&o, "\n%zu accounts:", s->accounts);
    for (int v = 0; v < LC_N_VERDICTS; v++) {
        /* Without deleveraging rules only three statuses can occur: show just those. */
        bool shown_always = v == LC_VERDICT_OK || v == LC_VERDICT_OVER_LIMIT ||
                            v == LC_VERDICT_LIQUIDATE;
        if (shown_always || src->pol->delev.present)
            lc__out_printf(&o, "%s %zu %s", v ? "," : "", s->by_status[v],
                           lc_verdict_name((lc_verdict)v));
    }
    lc__out_printf(&o, "; %zu with a script error", s->script_errors);
    if (shown != src->n_acc)
        lc__out_printf(&o, "; %zu shown", shown);
    lc__out_str(&o, "\nSTATUS marks: E a script failed (held at 1x), F findings, L log lines, W a "
                    "script's cap set aside. '!' a rule broken, '!!' one that liquidates, 'P' a "
                    "plan.\n"
                    "TIER ending in '!' is at or above the market's position limit; LIQ '-' "
                    "means none. MAINT and INITIAL are margins, MR the margin ratio.\n");
    return lc__out_finish(&o);
}
