/*
 * report_table.c - the report for people: aligned columns, each account on a line with
 * its positions indented below it.
 *
 * Every row is formatted twice, once to measure the columns and once to print them; the
 * table is meant for books a person reads, where that cost does not matter.
 */
#include "lc_prefix.h"

#include "policy_int.h"
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
    C_NAME, C_STATUS, C_QTY, C_ENTRY, C_MARK, C_NOTIONAL, C_TIER, C_MAXLEV, C_MMR, C_MM, C_IM,
    C_UPNL, C_LIQ, C_EQUITY, C_AVAIL, C_MR, C_LEV, C_BIND, C_REASON, C_N
};

static const char *const headers[C_N] = {
    "ACCOUNT/MARKET", "STATUS", "QTY", "ENTRY", "MARK", "NOTIONAL", "TIER", "MAX_LEV", "MMR",
    "MAINT_MARGIN", "INIT_MARGIN", "UPNL", "LIQ_PRICE", "EQUITY", "AVAILABLE", "MARGIN_RATIO",
    "LEVERAGE", "BOUND_BY", "REASON"};

#define CELL 320
typedef char row[C_N][CELL];

/* Money with two decimals and thousands separators: 1,535,443.01. */
static void money(char *out, double v)
{
    if (!isfinite(v)) {
        strcpy(out, "-");
        return;
    }
    char digits[CELL];
    snprintf(digits, sizeof digits, "%.2f", fabs(v));
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

/* Ids, markets and script messages come from users: no control byte reaches the
 * terminal. Cells are escaped before they are measured and before they are printed. */
static void lc__escape_row(row c)
{
    lc__escape_ctl(c[C_NAME], CELL);
    lc__escape_ctl(c[C_REASON], CELL);
    lc__escape_ctl(c[C_BIND], CELL);
}

static void account_row(const lc_account_result *a, const lc_position_result *pos, row c)
{
    memset(c, 0, sizeof(row));
    snprintf(c[C_NAME], CELL, "%s", a->id);
    snprintf(c[C_STATUS], CELL, "%s", lc_verdict_name(a->status));
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
    char why[320];
    lc__reason_text(a, pos, why, sizeof why);
    snprintf(c[C_REASON], CELL, "%s", why);
}

static void position_row(const lc_position_result *p, row c)
{
    memset(c, 0, sizeof(row));
    snprintf(c[C_NAME], CELL, "  %s", p->market);
    if (p->isolated)
        snprintf(c[C_STATUS], CELL, "iso %s", lc_verdict_name(p->status));
    else
        strcpy(c[C_STATUS], "cross");
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
        char why[256];
        lc__position_reason_text(p, why, sizeof why);
        snprintf(c[C_REASON], CELL, "%s", why);
    }
}

static void print_row(lc__out *o, row c, const size_t *w)
{
    lc__escape_row(c);
    for (int k = 0; k < C_N; k++) {
        size_t len = strlen(c[k]);
        bool left = k == C_NAME || k == C_STATUS || k == C_REASON;
        if (k == C_REASON) {
            lc__out_str(o, "  ");
            lc__out_str(o, c[k]);
            break;
        }
        if (k)
            lc__out_str(o, "  ");
        if (left)
            lc__out_str(o, c[k]);
        for (size_t i = len; i < w[k]; i++)
            lc__out_char(o, ' ');
        if (!left)
            lc__out_str(o, c[k]);
    }
    /* Trim the padding a row with no reason leaves behind. */
    while (o->len && o->buf[o->len - 1] == ' ')
        o->len--;
    lc__out_char(o, '\n');
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
        account_row(a, pos, c);
        lc__escape_row(c);
        for (int k = 0; k < C_N; k++)
            if (strlen(c[k]) > w[k])
                w[k] = strlen(c[k]);
        for (size_t j = 0; j < a->n_positions; j++) {
            position_row(&pos[j], c);
            lc__escape_row(c);
            for (int k = 0; k < C_N; k++)
                if (strlen(c[k]) > w[k])
                    w[k] = strlen(c[k]);
        }
    }

    lc__out o;
    if (lc__out_init(&o, f))
        return LC_ENOMEM;
    char id[CELL];
    snprintf(id, sizeof id, "%s", src->pol->id);
    lc__escape_ctl(id, sizeof id);
    lc__out_printf(&o, "policy %s version %lld: %zu accounts, %zu positions\n\n", id,
                   (long long)src->pol->version, src->n_acc, src->n_pos);
    for (int k = 0; k < C_N; k++)
        snprintf(c[k], CELL, "%s", headers[k]);
    print_row(&o, c, w);
    for (size_t i = 0; i < src->n_acc; i++) {
        const lc_position_result *pos;
        const lc_account_result *a = src->get(src, i, &pos);
        if (!a) {
            lc__out_finish(&o);
            return src->failed;
        }
        lc__summary_add(&src->summary, a);
        account_row(a, pos, c);
        print_row(&o, c, w);
        for (size_t j = 0; j < a->n_positions; j++) {
            position_row(&pos[j], c);
            print_row(&o, c, w);
        }
    }
    src->summary.accounts = src->n_acc;
    src->summary.positions = src->n_pos;
    lc__out_str(&o, "\nTIER ending in '!' is at or above the market's position limit; "
                    "LIQ_PRICE '-' means none.\n");
    return lc__out_finish(&o);
}
