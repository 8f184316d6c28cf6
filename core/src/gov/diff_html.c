/*
 * diff_html.c - `levcal diff --html`: one self-contained page for the reviewer.
 *
 * No script, font or stylesheet is fetched: the page is a single file that opens offline
 * and travels as a mail attachment. Charts are inline SVG step functions on a log-scale
 * notional axis; every step carries a <title> tooltip. Table cells show numbers for people
 * and keep the exact figure in data-v, the same as the JSON's.
 */
#include "base/prefix.h"

#include "gov/diff.h"
#include "gov/gov.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define OLD_COLOUR "#1f6fb4"
#define NEW_COLOUR "#d1495b"

/* A number for people: thousands separators, at most "dec" decimals. */
static const char *people(double v, int dec, char *buf, size_t cap)
{
    if (isnan(v)) {
        snprintf(buf, cap, "–");
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, cap, v > 0 ? "no limit" : "−∞");
        return buf;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", dec, fabs(v));
    /* Drop trailing zeros of the decimals. */
    char *dot = strchr(raw, '.');
    if (dot) {
        char *e = raw + strlen(raw) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw), o = 0;
    if (v < 0)
        o += (size_t)snprintf(buf, cap, "−");
    for (size_t i = 0; i < int_len && o + 4 < cap; i++) {
        if (i && (int_len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    snprintf(buf + o, cap - o, "%s", raw + int_len);
    return buf;
}

/* A table cell with the exact figure in data-v and "dec" decimals shown. */
static void cell(FILE *out, double v, int dec, const char *suffix)
{
    char nb[64], raw[40];
    fprintf(out, "<td data-v=\"%s\">%s%s</td>", isfinite(v) ? lc__numstr(v, raw) : "null",
            people(v, dec, nb, sizeof nb), isfinite(v) ? suffix : "");
}

static const char *short_num(double v, char *buf)
{
    static const char *const units[] = {"", "k", "M", "B", "T"};
    int u = 0;
    while (fabs(v) >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    snprintf(buf, 16, "%g%s", v, units[u]);
    return buf;
}

/* ==== Charts ============================================================ */

enum { W = 520, H = 280, ML = 64, MR = 16, MT = 34, MB = 48 };

typedef struct axes {
    double x0, x1; /* log10 of the notional range */
    double y1;     /* the top of the value axis (its bottom is 0) */
} axes;

static double px(const axes *a, double notional)
{
    double l = notional > 0 ? log10(notional) : a->x0;
    if (l < a->x0)
        l = a->x0;
    if (l > a->x1)
        l = a->x1;
    return ML + (l - a->x0) / (a->x1 - a->x0) * (W - ML - MR);
}

static double py(const axes *a, double v)
{
    return H - MB - v / a->y1 * (H - MT - MB);
}

static double nice_step(double range)
{
    double raw = range / 5, p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* One side's steps: a path per tier, each with its tooltip. */
static void steps(FILE *out, const axes *a, const lc__market *mk, bool mmr, const char *colour,
                  const char *who, bool dashed)
{
    if (!mk)
        return;
    double lo = pow(10, a->x0);
    for (size_t t = 0; t < mk->n_tiers; t++) {
        const lc_tier *tr = &mk->tiers[t];
        double from = t ? mk->tiers[t - 1].cap : lo, to = isinf(tr->cap) ? pow(10, a->x1) : tr->cap;
        double v = mmr ? tr->mmr * 100 : tr->max_leverage;
        char f[32], g[32], h[64];
        fprintf(out, "<path d=\"M%.1f %.1f H%.1f", px(a, from), py(a, v), px(a, to));
        if (t + 1 < mk->n_tiers) {
            double nv = mmr ? mk->tiers[t + 1].mmr * 100 : mk->tiers[t + 1].max_leverage;
            fprintf(out, " V%.1f", py(a, nv));
        }
        fprintf(out, "\" stroke=\"%s\" stroke-width=\"2.5\" fill=\"none\"%s><title>%s tier %zu: "
                     "[%s, %s): %s%s</title></path>\n",
                colour, dashed ? " stroke-dasharray=\"6 4\"" : "", who, t + 1,
                people(t ? mk->tiers[t - 1].cap : 0, 0, f, sizeof f),
                isinf(tr->cap) ? "no limit" : people(tr->cap, 0, g, sizeof g),
                people(v, mmr ? 4 : 2, h, sizeof h), mmr ? "%" : "x");
    }
}

static void chart(FILE *out, const lc__market_diff *m, bool mmr)
{
    /* The notional axis: a decade below the first cap to a decade above the last finite. */
    double lo = (double)INFINITY, hi = 0, top = 0;
    for (int s = 0; s < 2; s++) {
        const lc__market *mk = s ? m->new_mk : m->old_mk;
        for (size_t t = 0; mk && t < mk->n_tiers; t++) {
            const lc_tier *tr = &mk->tiers[t];
            if (isfinite(tr->cap)) {
                lo = fmin(lo, tr->cap);
                hi = fmax(hi, tr->cap);
            }
            top = fmax(top, mmr ? tr->mmr * 100 : tr->max_leverage);
        }
    }
    if (!isfinite(lo))
        lo = hi = 1e6;
    axes a = {floor(log10(lo)) - 1, ceil(log10(hi)) + (hi == pow(10, ceil(log10(hi))) ? 1 : 0),
              0};
    if (a.x1 <= a.x0)
        a.x1 = a.x0 + 1;
    double step = nice_step(top > 0 ? top : 1);
    a.y1 = ceil(top * 1.08 / step) * step;
    if (a.y1 <= 0)
        a.y1 = step;
    const char *what = mmr ? "maintenance-margin rate" : "max leverage";
    fprintf(out, "<svg class=\"chart\" data-market=\"");
    lc__gov_html_str(out, m->name);
    fprintf(out, "\" data-kind=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
            mmr ? "mmr" : "leverage", W, H, W, H);
    fprintf(out, "<title>");
    lc__gov_html_str(out, m->name);
    fprintf(out, ": %s against notional, old and new</title>\n", what);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W, H);
    /* Shaded: where the two differ. */
    for (size_t r = 0; r < m->n_ranges; r++) {
        const lc__range *g = &m->ranges[r];
        bool moved = mmr ? !(g->old_mmr == g->new_mmr) : !(g->old_lev == g->new_lev);
        if (!moved)
            continue;
        double x0 = px(&a, g->from > 0 ? g->from : pow(10, a.x0)), x1 = px(&a, isinf(g->to) ? pow(10, a.x1) : g->to);
        char f[32], t[32];
        fprintf(out, "<rect class=\"changed\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                     "fill=\"#fff1b8\"><title>changed: [%s, %s)</title></rect>\n",
                x0, MT, x1 - x0 > 1 ? x1 - x0 : 1, H - MT - MB, people(g->from, 0, f, sizeof f),
                isinf(g->to) ? "no limit" : people(g->to, 0, t, sizeof t));
    }
    /* Grid and ticks. */
    for (double e = a.x0; e <= a.x1 + 1e-9; e += 1) {
        double x = px(&a, pow(10, e));
        char nb[16];
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e3e3\"/>"
                     "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
                     "fill=\"#444\">%s</text>\n",
                x, MT, x, H - MB, x, H - MB + 15, short_num(pow(10, e), nb));
    }
    for (double v = 0; v <= a.y1 + 1e-12; v += step) {
        char nb[32];
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>"
                     "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">"
                     "%s%s</text>\n",
                ML, py(&a, v), W - MR, py(&a, v), ML - 6, py(&a, v) + 4,
                people(v, mmr ? 3 : 1, nb, sizeof nb), mmr ? "%" : "x");
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", ML, H - MB,
            W - MR, H - MB);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", ML, MT, ML,
            H - MB);
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">"
                 "notional (quote currency, log scale)</text>\n",
            (ML + W - MR) / 2, H - 12);
    fprintf(out, "<text transform=\"translate(16 %d) rotate(-90)\" font-size=\"12\" "
                 "text-anchor=\"middle\" fill=\"#222\">%s</text>\n",
            (MT + H - MB) / 2, mmr ? "maintenance rate (%)" : "max leverage (x)");
    steps(out, &a, m->old_mk, mmr, OLD_COLOUR, "old", false);
    steps(out, &a, m->new_mk, mmr, NEW_COLOUR, "new", true);
    /* The chart's name at the left, the legend at the right. */
    int lx = W - MR - 206;
    fprintf(out, "<text x=\"%d\" y=\"20\" font-size=\"12\" font-weight=\"600\" fill=\"#222\">%s"
                 "</text>\n",
            ML, what);
    fprintf(out, "<g font-size=\"12\" fill=\"#222\"><line x1=\"%d\" y1=\"16\" x2=\"%d\" y2=\"16\" "
                 "stroke=\"%s\" stroke-width=\"2.5\"/><text x=\"%d\" y=\"20\">old</text>"
                 "<line x1=\"%d\" y1=\"16\" x2=\"%d\" y2=\"16\" stroke=\"%s\" stroke-width=\"2.5\" "
                 "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"20\">new</text>"
                 "<rect x=\"%d\" y=\"9\" width=\"14\" height=\"12\" fill=\"#fff1b8\"/>"
                 "<text x=\"%d\" y=\"20\">changed</text></g>\n",
            lx, lx + 24, OLD_COLOUR, lx + 30, lx + 62, lx + 86, NEW_COLOUR, lx + 92, lx + 128,
            lx + 146);
    fputs("</svg>\n", out);
}

/* ==== Tables ============================================================ */

static void tier_table(FILE *out, const lc__market_diff *m)
{
    size_t n0 = m->old_mk ? m->old_mk->n_tiers : 0, n1 = m->new_mk ? m->new_mk->n_tiers : 0;
    size_t n = n0 > n1 ? n0 : n1;
    fputs("<table class=\"tiers\"><thead><tr><th rowspan=\"2\">tier</th><th colspan=\"3\">old</th>"
          "<th colspan=\"3\">new</th></tr><tr><th>cap</th><th>max leverage</th><th>mmr</th>"
          "<th>cap</th><th>max leverage</th><th>mmr</th></tr></thead><tbody>\n",
          out);
    for (size_t t = 0; t < n; t++) {
        const lc_tier *o = t < n0 ? &m->old_mk->tiers[t] : NULL;
        const lc_tier *w = t < n1 ? &m->new_mk->tiers[t] : NULL;
        fprintf(out, "<tr><td>%zu</td>", t + 1);
        const lc_tier *side[2] = {o, w};
        for (int s = 0; s < 2; s++) {
            const lc_tier *x = side[s];
            if (!x) {
                fputs("<td></td><td></td><td></td>", out);
                continue;
            }
            bool dc = !o || !w || o->cap != w->cap, dl = !o || !w || o->max_leverage != w->max_leverage,
                 dm = !o || !w || o->mmr != w->mmr;
            fputs(s && dc ? "<td class=\"moved\"" : "<td", out);
            char nb[64], raw[40];
            fprintf(out, " data-v=\"%s\">%s</td>", isfinite(x->cap) ? lc__numstr(x->cap, raw) : "null",
                    people(x->cap, 0, nb, sizeof nb));
            fprintf(out, "%s data-v=\"%s\">%sx</td>", s && dl ? "<td class=\"moved\"" : "<td",
                    lc__numstr(x->max_leverage, raw), people(x->max_leverage, 2, nb, sizeof nb));
            fprintf(out, "%s data-v=\"%s\">%s%%</td>", s && dm ? "<td class=\"moved\"" : "<td",
                    lc__numstr(x->mmr, raw), people(x->mmr * 100, 4, nb, sizeof nb));
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

static void pct_change(FILE *out, double o, double n)
{
    char nb[64];
    if (o != 0 && isfinite(o) && isfinite(n))
        fprintf(out, "<td>%s%s%%</td>", n >= o ? "+" : "", people((n - o) / fabs(o) * 100, 2, nb, sizeof nb));
    else
        fputs("<td>–</td>", out);
}

static void impact_tables(FILE *out, const lc__impact *im)
{
    char nb[64];
    fputs("<section id=\"impact\"><h2>Impact</h2>\n<p>", out);
    for (size_t i = 0; i < im->n_portfolios; i++) {
        fputs(i ? ", " : "Books: ", out);
        lc__gov_html_str(out, im->portfolios[i]);
    }
    fprintf(out, " — %s accounts, %s positions.</p>\n", people((double)im->accounts, 0, nb, sizeof nb),
            people((double)im->positions, 0, nb + 32, 32));
    fputs("<table id=\"totals\"><thead><tr><th>total</th><th>old</th><th>new</th><th>change</th>"
          "</tr></thead><tbody>\n<tr><th>initial margin</th>",
          out);
    cell(out, im->im[0], 2, "");
    cell(out, im->im[1], 2, "");
    pct_change(out, im->im[0], im->im[1]);
    fputs("</tr>\n<tr><th>maintenance margin</th>", out);
    cell(out, im->mm[0], 2, "");
    cell(out, im->mm[1], 2, "");
    pct_change(out, im->mm[0], im->mm[1]);
    fputs("</tr>\n", out);
    if (im->plans) {
        fputs("<tr><th>notional plans would close</th>", out);
        cell(out, im->closed[0], 2, "");
        cell(out, im->closed[1], 2, "");
        pct_change(out, im->closed[0], im->closed[1]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
    /* Status transitions: the matrix, old down, new across. */
    fputs("<h3>Accounts by status, old (rows) to new (columns)</h3>\n<table id=\"transitions\">"
          "<thead><tr><th>old \\ new</th>",
          out);
    for (int v = 0; v < LC_N_VERDICTS; v++)
        fprintf(out, "<th>%s</th>", lc_verdict_name((lc_verdict)v));
    fputs("<th>total</th></tr></thead><tbody>\n", out);
    for (int x = 0; x < LC_N_VERDICTS; x++) {
        fprintf(out, "<tr><th>%s</th>", lc_verdict_name((lc_verdict)x));
        for (int y = 0; y < LC_N_VERDICTS; y++)
            fprintf(out, "<td data-from=\"%s\" data-to=\"%s\" data-v=\"%zu\"%s>%s</td>",
                    lc_verdict_name((lc_verdict)x), lc_verdict_name((lc_verdict)y),
                    im->matrix[x][y], x != y && im->matrix[x][y] ? " class=\"moved\"" : "",
                    people((double)im->matrix[x][y], 0, nb, sizeof nb));
        fprintf(out, "<td data-v=\"%zu\">%s</td></tr>\n", im->by_status[0][x],
                people((double)im->by_status[0][x], 0, nb, sizeof nb));
    }
    fputs("<tr><th>total</th>", out);
    for (int y = 0; y < LC_N_VERDICTS; y++)
        fprintf(out, "<td data-v=\"%zu\">%s</td>", im->by_status[1][y],
                people((double)im->by_status[1][y], 0, nb, sizeof nb));
    fputs("<td></td></tr></tbody></table>\n", out);

    fprintf(out, "<h3>Accounts that change (%zu; the 50 largest changes in initial margin)</h3>\n",
            im->n_acc);
    fputs("<table id=\"accounts\"><thead><tr><th>account</th><th>status</th><th>initial margin</th>"
          "<th>new</th><th>change</th><th>maintenance margin</th><th>new</th><th>available</th>"
          "<th>new</th></tr></thead><tbody>\n",
          out);
    for (size_t i = 0; i < im->n_acc && i < 50; i++) {
        const lc__acct_change *c = &im->acc[i];
        fputs("<tr><td class=\"id\">", out);
        lc__gov_html_str(out, c->id);
        fprintf(out, "</td><td class=\"status%s\">%s → %s</td>",
                c->old_status != c->new_status ? " moved" : "", lc_verdict_name(c->old_status),
                lc_verdict_name(c->new_status));
        cell(out, c->old_im, 2, "");
        cell(out, c->new_im, 2, "");
        pct_change(out, c->old_im, c->new_im);
        cell(out, c->old_mm, 2, "");
        cell(out, c->new_mm, 2, "");
        cell(out, c->old_av, 2, "");
        cell(out, c->new_av, 2, "");
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
    fprintf(out, "<h3>Positions that change (%zu; the 50 largest changes in initial margin)</h3>\n",
            im->n_pos);
    fputs("<table id=\"positions\"><thead><tr><th>account</th><th>market</th><th>tier</th>"
          "<th>new</th><th>max leverage</th><th>new</th><th>liquidation price</th><th>new</th>"
          "<th>initial margin</th><th>new</th></tr></thead><tbody>\n",
          out);
    for (size_t i = 0; i < im->n_pos && i < 50; i++) {
        const lc__pos_change *c = &im->pos[i];
        fputs("<tr><td class=\"id\">", out);
        lc__gov_html_str(out, c->account);
        fputs("</td><td class=\"id\">", out);
        lc__gov_html_str(out, c->market);
        fputs("</td>", out);
        cell(out, c->old_tier, 0, "");
        cell(out, c->new_tier, 0, "");
        cell(out, c->old_lev, 2, "x");
        cell(out, c->new_lev, 2, "x");
        cell(out, c->old_lp, 2, "");
        cell(out, c->new_lp, 2, "");
        cell(out, c->old_im, 2, "");
        cell(out, c->new_im, 2, "");
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></section>\n", out);
}

/* ==== The page ========================================================== */

static const char style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d1d1f;"
    "margin:0;background:#f6f7f9}main{max-width:1120px;margin:0 auto;padding:24px}"
    "h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid "
    "#d0d4da;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}"
    "table{border-collapse:collapse;background:#fff;margin:6px 0 14px;font-variant-numeric:"
    "tabular-nums}th,td{padding:3px 10px;border-bottom:1px solid #e6e8eb;text-align:right;"
    "white-space:nowrap}th{background:#eef0f3;font-weight:600}td.id,th.id{text-align:left}"
    "td.moved{background:#fff1b8;font-weight:600}th[colspan]{text-align:center}td.status{text-align:left}"
    "table.sides td{text-align:left}code{font-size:12px;word-break:break-all}"
    ".market{background:#fff;border:1px solid #d0d4da;border-radius:6px;padding:10px 14px;"
    "margin:12px 0}.charts{display:flex;flex-wrap:wrap;gap:10px}svg.chart{border:1px solid "
    "#e6e8eb;border-radius:4px;max-width:100%;height:auto}pre{background:#fff;border:1px solid "
    "#d0d4da;padding:8px;overflow-x:auto;font-size:12px}.add{color:#1a7f37}.del{color:#b42318}"
    ".note{color:#555}";

void lc__diff_html(const lc__diff *df, FILE *out)
{
    char nb[64];
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>levcal "
          "diff: ",
          out);
    lc__gov_html_str(out, df->pol[0]->id);
    fputs(" → ", out);
    lc__gov_html_str(out, df->pol[1]->id);
    fprintf(out, "</title><style>%s</style></head><body><main>\n<header><h1>Policy diff</h1>\n",
            style);
    fputs("<table class=\"sides\" id=\"sides\"><thead><tr><th></th><th class=\"id\">file</th>"
          "<th class=\"id\">id</th><th>version</th><th class=\"id\">digest</th></tr></thead><tbody>\n",
          out);
    for (int s = 0; s < 2; s++) {
        const lc_policy *p = df->pol[s];
        fprintf(out, "<tr><th>%s</th><td>", s ? "new" : "old");
        lc__gov_html_str(out, p->path);
        fputs("</td><td>", out);
        lc__gov_html_str(out, p->id);
        fprintf(out, "</td><td>%lld</td><td><code>%s</code></td></tr>\n", (long long)p->version,
                p->digest);
    }
    fputs("</tbody></table>\n", out);
    bool same = strcmp(df->pol[0]->digest, df->pol[1]->digest) == 0;
    if (same)
        fputs("<p id=\"summary\">No semantic change: both files have the same digest.</p>\n", out);
    else
        fprintf(out, "<p id=\"summary\">%zu change%s to the canonical policy; %zu market%s to "
                     "look at.</p>\n",
                df->n_ch, df->n_ch == 1 ? "" : "s", df->n_mk, df->n_mk == 1 ? "" : "s");
    fputs("</header>\n", out);

    if (df->n_mk) {
        fputs("<section id=\"markets\"><h2>Markets</h2>\n", out);
        if (df->n_mk > 1) { /* an index, so a long page stays navigable */
            fputs("<p class=\"index\">", out);
            for (size_t i = 0; i < df->n_mk; i++) {
                fputs(i ? " · <a href=\"#m-" : "<a href=\"#m-", out);
                lc__gov_html_str(out, df->mk[i].name);
                fputs("\">", out);
                lc__gov_html_str(out, df->mk[i].name);
                fputs("</a>", out);
            }
            fputs("</p>\n", out);
        }
        for (size_t i = 0; i < df->n_mk; i++) {
            const lc__market_diff *m = &df->mk[i];
            fputs("<div class=\"market\" data-market=\"", out);
            lc__gov_html_str(out, m->name);
            fputs("\" id=\"m-", out);
            lc__gov_html_str(out, m->name);
            fputs("\"><h3>", out);
            lc__gov_html_str(out, m->name);
            fprintf(out, "%s</h3>\n<div class=\"charts\">\n",
                    !m->old_mk ? " (added)" : !m->new_mk ? " (removed)" : "");
            chart(out, m, false);
            chart(out, m, true);
            fputs("</div>\n", out);
            tier_table(out, m);
            if (m->n_ranges) {
                fputs("<ul class=\"ranges\">", out);
                for (size_t r = 0; r < m->n_ranges; r++) {
                    const lc__range *g = &m->ranges[r];
                    char a[32], b[32], c[32], d[32], e[32], f[32];
                    fprintf(out, "<li>%s[%s, %s): max leverage %sx → %sx, mmr %s%% → %s%%%s%s</li>",
                            m->by_quantity ? "size " : "", people(g->from, 0, a, sizeof a),
                            isinf(g->to) ? "no limit" : people(g->to, 0, b, sizeof b),
                            people(g->old_lev, 2, c, sizeof c), people(g->new_lev, 2, d, sizeof d),
                            people(g->old_mmr * 100, 4, e, sizeof e),
                            people(g->new_mmr * 100, 4, f, sizeof f),
                            g->new_lev > g->old_lev   ? " — more leverage"
                            : g->new_lev < g->old_lev ? " — less leverage"
                                                      : "",
                            g->new_mmr > g->old_mmr   ? ", more margin"
                            : g->new_mmr < g->old_mmr ? ", less margin"
                                                      : "");
                }
                fputs("</ul>\n", out);
            }
            fputs("</div>\n", out);
        }
        fputs("</section>\n", out);
    }
    if (df->n_ch) {
        fputs("<section id=\"changes\"><h2>Every change</h2>\n<table id=\"change-list\"><thead><tr>"
              "<th class=\"id\">path</th><th class=\"id\">old</th><th class=\"id\">new</th></tr>"
              "</thead><tbody>\n",
              out);
        for (size_t i = 0; i < df->n_ch && i < 500; i++) {
            const lc__change *c = &df->ch[i];
            fputs("<tr><td class=\"id\"><code>", out);
            lc__gov_html_str(out, c->path);
            fputs("</code></td><td class=\"id\"><code>", out);
            lc__gov_html_str(out, c->old_json ? c->old_json : "(none)");
            fputs("</code></td><td class=\"id\"><code>", out);
            lc__gov_html_str(out, c->new_json ? c->new_json : "(none)");
            fputs("</code></td></tr>\n", out);
        }
        fputs("</tbody></table>\n", out);
        if (df->n_ch > 500)
            fprintf(out, "<p class=\"note\">and %s more (see the JSON)</p>\n",
                    people((double)(df->n_ch - 500), 0, nb, sizeof nb));
        fputs("</section>\n", out);
    }
    for (size_t i = 0; i < df->n_sc; i++) {
        const lc__script_diff *s = &df->sc[i];
        fputs(i ? "" : "<section id=\"scripts\"><h2>Scripts and plugins</h2>\n", out);
        fputs("<h3>", out);
        lc__gov_html_str(out, s->written);
        fputs("</h3>\n<pre>", out);
        for (const char *p = s->unified; p && *p;) {
            size_t len = strcspn(p, "\n");
            fprintf(out, "<span class=\"%s\">", *p == '+' ? "add" : *p == '-' ? "del" : "ctx");
            char line[4096];
            snprintf(line, sizeof line, "%.*s", (int)(len < 4000 ? len : 4000), p);
            lc__gov_html_str(out, line);
            fputs("</span>\n", out);
            p += len + (p[len] == '\n');
        }
        fputs("</pre>\n", out);
        if (i + 1 == df->n_sc)
            fputs("</section>\n", out);
    }
    if (df->impact.present)
        impact_tables(out, &df->impact);
    fputs("<p class=\"note\">Written by levcal ", out);
    fputs(lc_version(), out);
    fputs(". Hover a step of a chart for its tier and value.</p>\n</main></body></html>\n", out);
}
