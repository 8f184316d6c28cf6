/*
 * backtest_html.c - a model backtest as one self-contained page: the forecast band
 * ±z·sigma against the realised returns, exceedances marked, and the tests' table.
 *
 * Same rules as the diff page: no external script, font or style; inline SVG; every
 * exceedance carries a <title> with its date, return and band.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "sim/sim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { W = 1040, H = 380, ML = 64, MR = 16, MT = 30, MB = 46 };

static void date(FILE *out, int64_t day)
{
    char s[16];
    lc__format_date(day, s);
    fputs(s, out);
}

lc_status lc_backtest_html(const lc_backtest *b, FILE *out)
{
    if (!b || !out || b->n == 0)
        return LC_EINVAL;
    char model[256]; /* its name in the page, escaped */
    /* The vertical scale: the band and the returns, as percent, symmetric around 0. */
    double top = 0;
    for (size_t k = 0; k < b->n; k++)
        top = fmax(top, fmax(fabs(b->ret[k]), b->z * b->sigma[k]));
    top *= 100 * 1.05;
    double step = top > 40 ? 10 : top > 20 ? 5 : top > 8 ? 2 : 1;
    top = ceil(top / step) * step;
    double x0 = (double)b->day[0], x1 = (double)b->day[b->n - 1];
    if (x1 <= x0)
        x1 = x0 + 1;
#define PX(d) (ML + ((double)(d)-x0) / (x1 - x0) * (W - ML - MR))
#define PY(v) (MT + (top - (v)*100) / (2 * top) * (H - MT - MB))
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>levcal "
                 "backtest: %s</title><style>body{font:14px/1.45 system-ui,sans-serif;color:#1d1d1f;"
                 "margin:0;background:#f6f7f9}main{max-width:1100px;margin:0 auto;padding:24px}"
                 "table{border-collapse:collapse;background:#fff;font-variant-numeric:tabular-nums}"
                 "th,td{padding:3px 10px;border-bottom:1px solid #e6e8eb;text-align:right}"
                 "th{background:#eef0f3;text-align:left}svg{background:#fff;border:1px solid #d0d4da;"
                 "border-radius:4px;max-width:100%%;height:auto}.reject{color:#b42318;font-weight:600}"
                 ".accept{color:#1a7f37;font-weight:600}</style></head><body><main>\n",
            lc__gov_html(b->model, model, sizeof model));
    fprintf(out, "<h1>Backtest of %s, %s side, %g%% confidence</h1>\n", model,
            b->side > 0 ? "long" : "short", b->confidence * 100);
    fprintf(out, "<svg id=\"band\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
                 "<title>daily log returns against the forecast band of ±z·sigma</title>\n",
            W, H, W, H);
    for (double v = -top; v <= top + 1e-9; v += step)
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/><text x=\"%d\" "
                     "y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">%g%%</text>\n",
                ML, PY(v / 100), W - MR, PY(v / 100), v == 0 ? "#999" : "#e9e9e9", ML - 6,
                PY(v / 100) + 4, v);
    /* Year ticks. */
    for (int64_t k = 0; k < (int64_t)b->n; k++) {
        char s[16];
        lc__format_date(b->day[k], s);
        if (strcmp(s + 4, "-01-01") != 0 && k != 0)
            continue;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e9e9e9\"/>"
                     "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">"
                     "%.4s</text>\n",
                PX(b->day[k]), MT, PX(b->day[k]), H - MB, PX(b->day[k]), H - MB + 15, s);
    }
    /* The band: the losing side's edge, -z sigma for a long, +z sigma for a short. */
    fputs("<path fill=\"none\" stroke=\"#1f6fb4\" stroke-width=\"1.2\" d=\"", out);
    for (size_t k = 0; k < b->n; k++)
        fprintf(out, "%c%.1f %.1f", k ? 'L' : 'M', PX(b->day[k]),
                PY(-b->side * b->z * b->sigma[k]));
    fputs("\"><title>the forecast's edge, ∓z·sigma</title></path>\n", out);
    for (size_t k = 0; k < b->n; k++)
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.3\" fill=\"#9aa3ad\"/>", PX(b->day[k]),
                PY(b->ret[k]));
    fputc('\n', out);
    for (size_t k = 0; k < b->n; k++) {
        if (!b->hit[k])
            continue;
        fprintf(out, "<circle class=\"exceedance\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#d1495b\">"
                     "<title>",
                PX(b->day[k]), PY(b->ret[k]));
        date(out, b->day[k]);
        fprintf(out, ": return %.3f%%, band %.3f%%</title></circle>\n", b->ret[k] * 100,
                -b->side * b->z * b->sigma[k] * 100);
    }
    fprintf(out, "<text x=\"%d\" y=\"18\" font-size=\"12\" fill=\"#222\">daily log return (grey), "
                 "the forecast's edge z·sigma (blue), exceedances (red)</text>\n"
                 "<text transform=\"translate(16 %d) rotate(-90)\" font-size=\"12\" "
                 "text-anchor=\"middle\">return (%%)</text></svg>\n",
            ML, (MT + H - MB) / 2);
    fputs("<table id=\"tests\"><tr><th>test</th><th>LR</th><th>p-value</th><th></th></tr>\n", out);
    const char *name[3] = {"Kupiec POF", "Christoffersen independence", "conditional coverage"};
    double lr[3] = {b->lr_pof, b->lr_ind, b->lr_cc}, pv[3] = {b->p_pof, b->p_ind, b->p_cc};
    for (int i = 0; i < 3; i++) {
        char s1[40], s2[40]; /* data-v: the JSON's spelling */
        fprintf(out, "<tr><th>%s</th><td data-v=\"%s\">%.6g</td><td data-v=\"%s\">%.4g</td>"
                     "<td class=\"%s\">%s</td></tr>\n",
                name[i], lc__numstr(lr[i], s1), lr[i], lc__numstr(pv[i], s2), pv[i],
                pv[i] >= 0.05 ? "accept" : "reject", pv[i] >= 0.05 ? "passes at 5%" : "rejected at 5%");
    }
    fprintf(out, "</table>\n<p>%zu days, %zu exceedances against %.2f expected; transitions "
                 "n00 %zu, n01 %zu, n10 %zu, n11 %zu. Verdict: <span class=\"%s\">%s</span>.</p>\n"
                 "</main></body></html>\n",
            b->n, b->x, b->expected, b->trans[0], b->trans[1], b->trans[2], b->trans[3],
            b->accepted ? "accept" : "reject", b->accepted ? "accept" : "reject");
#undef PX
#undef PY
    return ferror(out) ? LC_EIO : LC_OK;
}
