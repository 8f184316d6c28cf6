/*
 * diff_out.c - `levcal diff` as text for people and as JSON for tools.
 */
#include "base/prefix.h"

#include "gov/diff.h"
#include "gov/gov.h"
#include "syntax/canon.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *lc__diff_num(double v, char *buf)
{
    if (isnan(v)) {
        strcpy(buf, "-");
        return buf;
    }
    if (isinf(v)) {
        strcpy(buf, v > 0 ? "no limit" : "-inf");
        return buf;
    }
    return lc__gov_num(v, buf);
}

/* ==== JSON ============================================================== */

static void jstr(FILE *out, const char *s)
{
    lc__gov_json_str(out, s);
}

static void jnum(FILE *out, double v)
{
    char nb[40];
    if (!isfinite(v))
        fputs("null", out);
    else
        fputs(lc__numstr(v, nb), out);
}

static void side_json(FILE *out, const lc_policy *p)
{
    fputs("{\"file\":", out);
    jstr(out, p->path);
    fputs(",\"id\":", out);
    jstr(out, p->id);
    fprintf(out, ",\"version\":%lld,\"digest\":", (long long)p->version);
    jstr(out, p->digest);
    fputc('}', out);
}

static void names_json(FILE *out, const lc__diff *df, int which)
{
    /* which: 0 removed, 1 added, 2 changed */
    bool first = true;
    fputc('[', out);
    for (size_t i = 0; i < df->n_mk; i++) {
        const lc__market_diff *m = &df->mk[i];
        int kind = !m->new_mk ? 0 : !m->old_mk ? 1 : 2;
        if (kind != which)
            continue;
        if (!first)
            fputc(',', out);
        first = false;
        jstr(out, m->name);
    }
    fputc(']', out);
}

void lc__diff_json(const lc__diff *df, FILE *out)
{
    fputs("{\"old\":", out);
    side_json(out, df->pol[0]);
    fputs(",\"new\":", out);
    side_json(out, df->pol[1]);
    fprintf(out, ",\"same\":%s,\n\"changes\":[",
            strcmp(df->pol[0]->digest, df->pol[1]->digest) == 0 ? "true" : "false");
    for (size_t i = 0; i < df->n_ch; i++) {
        const lc__change *c = &df->ch[i];
        fputs(i ? ",\n{\"path\":" : "\n{\"path\":", out);
        jstr(out, c->path);
        fprintf(out, ",\"old\":%s,\"new\":%s}", c->old_json ? c->old_json : "null",
                c->new_json ? c->new_json : "null");
    }
    fputs(df->n_ch ? "\n],\n\"markets\":{\"added\":" : "],\n\"markets\":{\"added\":", out);
    names_json(out, df, 1);
    fputs(",\"removed\":", out);
    names_json(out, df, 0);
    fputs(",\"changed\":", out);
    names_json(out, df, 2);
    fputs("},\n\"ranges\":{", out);
    for (size_t i = 0; i < df->n_mk; i++) {
        const lc__market_diff *m = &df->mk[i];
        if (i)
            fputc(',', out);
        jstr(out, m->name);
        fputs(":[", out);
        for (size_t r = 0; r < m->n_ranges; r++) {
            const lc__range *g = &m->ranges[r];
            fputs(r ? ",{\"from\":" : "{\"from\":", out);
            jnum(out, g->from);
            fputs(",\"to\":", out);
            jnum(out, g->to);
            fputs(",\"old_max_leverage\":", out);
            jnum(out, g->old_lev);
            fputs(",\"new_max_leverage\":", out);
            jnum(out, g->new_lev);
            fputs(",\"old_mmr\":", out);
            jnum(out, g->old_mmr);
            fputs(",\"new_mmr\":", out);
            jnum(out, g->new_mmr);
            fputc('}', out);
        }
        fputc(']', out);
    }
    fputs("},\n\"scripts\":[", out);
    for (size_t i = 0; i < df->n_sc; i++) {
        const lc__script_diff *s = &df->sc[i];
        fputs(i ? ",{\"path\":" : "{\"path\":", out);
        jstr(out, s->written);
        fputs(",\"old_sha256\":", out);
        if (*s->old_sha)
            jstr(out, s->old_sha);
        else
            fputs("null", out);
        fputs(",\"new_sha256\":", out);
        if (*s->new_sha)
            jstr(out, s->new_sha);
        else
            fputs("null", out);
        fputs(",\"diff\":", out);
        if (s->unified)
            jstr(out, s->unified);
        else
            fputs("null", out);
        fputc('}', out);
    }
    fputs("],\n\"impact\":", out);
    const lc__impact *im = &df->impact;
    if (!im->present) {
        fputs("null}\n", out);
        return;
    }
    fputs("{\"portfolios\":[", out);
    for (size_t i = 0; i < im->n_portfolios; i++) {
        if (i)
            fputc(',', out);
        jstr(out, im->portfolios[i]);
    }
    fputs("],\n\"accounts\":[", out);
    for (size_t i = 0; i < im->n_acc; i++) {
        const lc__acct_change *c = &im->acc[i];
        fputs(i ? ",\n{\"id\":" : "\n{\"id\":", out);
        jstr(out, c->id);
        if (im->n_portfolios > 1) {
            fputs(",\"portfolio\":", out);
            jstr(out, c->portfolio);
        }
        fprintf(out, ",\"old_status\":\"%s\",\"new_status\":\"%s\"", lc_verdict_name(c->old_status),
                lc_verdict_name(c->new_status));
        fputs(",\"old_initial_margin\":", out);
        jnum(out, c->old_im);
        fputs(",\"new_initial_margin\":", out);
        jnum(out, c->new_im);
        fputs(",\"old_maintenance_margin\":", out);
        jnum(out, c->old_mm);
        fputs(",\"new_maintenance_margin\":", out);
        jnum(out, c->new_mm);
        fputs(",\"old_available\":", out);
        jnum(out, c->old_av);
        fputs(",\"new_available\":", out);
        jnum(out, c->new_av);
        fputc('}', out);
    }
    fputs(im->n_acc ? "\n],\n\"positions\":[" : "],\n\"positions\":[", out);
    for (size_t i = 0; i < im->n_pos; i++) {
        const lc__pos_change *c = &im->pos[i];
        fputs(i ? ",\n{\"account\":" : "\n{\"account\":", out);
        jstr(out, c->account);
        if (im->n_portfolios > 1) {
            fputs(",\"portfolio\":", out);
            jstr(out, c->portfolio);
        }
        fputs(",\"market\":", out);
        jstr(out, c->market);
        fprintf(out, ",\"old_tier\":%u,\"new_tier\":%u,\"old_max_leverage\":", c->old_tier,
                c->new_tier);
        jnum(out, c->old_lev);
        fputs(",\"new_max_leverage\":", out);
        jnum(out, c->new_lev);
        fputs(",\"old_liquidation_price\":", out);
        jnum(out, c->old_lp);
        fputs(",\"new_liquidation_price\":", out);
        jnum(out, c->new_lp);
        fputs(",\"old_initial_margin\":", out);
        jnum(out, c->old_im);
        fputs(",\"new_initial_margin\":", out);
        jnum(out, c->new_im);
        fputc('}', out);
    }
    fputs(im->n_pos ? "\n],\n\"totals\":{" : "],\n\"totals\":{", out);
    fprintf(out, "\"accounts\":%zu,\"positions\":%zu,\"initial_margin\":{\"old\":", im->accounts,
            im->positions);
    jnum(out, im->im[0]);
    fputs(",\"new\":", out);
    jnum(out, im->im[1]);
    fputs("},\"maintenance_margin\":{\"old\":", out);
    jnum(out, im->mm[0]);
    fputs(",\"new\":", out);
    jnum(out, im->mm[1]);
    fputs("},\"accounts_by_status\":{", out);
    for (int s = 0; s < 2; s++) {
        fputs(s ? ",\"new\":{" : "\"old\":{", out);
        for (int v = 0; v < LC_N_VERDICTS; v++)
            fprintf(out, "%s\"%s\":%zu", v ? "," : "", lc_verdict_name((lc_verdict)v),
                    im->by_status[s][v]);
        fputc('}', out);
    }
    fputs("},\"transitions\":{", out);
    bool first = true;
    for (int x = 0; x < LC_N_VERDICTS; x++)
        for (int y = 0; y < LC_N_VERDICTS; y++)
            if (x != y && im->matrix[x][y]) {
                fprintf(out, "%s\"%s -> %s\":%zu", first ? "" : ",", lc_verdict_name((lc_verdict)x),
                        lc_verdict_name((lc_verdict)y), im->matrix[x][y]);
                first = false;
            }
    fputs("}", out);
    if (im->plans) {
        fputs(",\"plan_closed_notional\":{\"old\":", out);
        jnum(out, im->closed[0]);
        fputs(",\"new\":", out);
        jnum(out, im->closed[1]);
        fputc('}', out);
    }
    fputs("}}}\n", out);
}

/* ==== Text ============================================================== */

static void tier_table(FILE *out, const lc__market_diff *m)
{
    size_t n0 = m->old_mk ? m->old_mk->n_tiers : 0, n1 = m->new_mk ? m->new_mk->n_tiers : 0;
    size_t n = n0 > n1 ? n0 : n1;
    char a[48], b[48], c[48], x[48], y[48], z[48];
    fprintf(out, "  %4s %16s %12s %9s  | %16s %12s %9s\n", "tier", "cap", "max_leverage", "mmr",
            "cap", "max_leverage", "mmr");
    for (size_t t = 0; t < n; t++) {
        const lc_tier *o = t < n0 ? &m->old_mk->tiers[t] : NULL;
        const lc_tier *w = t < n1 ? &m->new_mk->tiers[t] : NULL;
        bool dc = !o || !w || o->cap != w->cap, dl = !o || !w || o->max_leverage != w->max_leverage,
             dm = !o || !w || o->mmr != w->mmr;
        snprintf(a, sizeof a, "%s", o ? lc__diff_num(o->cap, x) : "");
        snprintf(b, sizeof b, "%s", o ? lc__diff_num(o->max_leverage, y) : "");
        snprintf(c, sizeof c, "%s", o ? lc__diff_num(o->mmr, z) : "");
        fprintf(out, "  %4zu %16s %12s %9s  |", t + 1, a, b, c);
        snprintf(a, sizeof a, "%s%s", w && dc ? "*" : "", w ? lc__diff_num(w->cap, x) : "");
        snprintf(b, sizeof b, "%s%s", w && dl ? "*" : "", w ? lc__diff_num(w->max_leverage, y) : "");
        snprintf(c, sizeof c, "%s%s", w && dm ? "*" : "", w ? lc__diff_num(w->mmr, z) : "");
        fprintf(out, " %16s %12s %9s\n", a, b, c);
    }
}

void lc__diff_text(const lc__diff *df, FILE *out)
{
    char a[48], b[48], c[48], d[48], e[48], f[48];
    for (int s = 0; s < 2; s++) {
        const lc_policy *p = df->pol[s];
        fprintf(out, "%s %s: %s version %lld, %s\n", s ? "new" : "old", p->path, p->id,
                (long long)p->version, p->digest);
    }
    if (strcmp(df->pol[0]->digest, df->pol[1]->digest) == 0) {
        fputs("no semantic change\n", out);
    } else {
        fprintf(out, "\n%zu change%s (JSON Pointers into the canonical policy):\n", df->n_ch,
                df->n_ch == 1 ? "" : "s");
        for (size_t i = 0; i < df->n_ch; i++) {
            const lc__change *ch = &df->ch[i];
            fprintf(out, "  %s: %.120s -> %.120s\n", ch->path,
                    ch->old_json ? ch->old_json : "(none)", ch->new_json ? ch->new_json : "(none)");
        }
    }
    for (size_t i = 0; i < df->n_mk; i++) {
        const lc__market_diff *m = &df->mk[i];
        fprintf(out, "\nmarket %s%s\n", m->name,
                !m->old_mk ? " (added)" : !m->new_mk ? " (removed)" : "");
        tier_table(out, m);
        for (size_t r = 0; r < m->n_ranges; r++) {
            const lc__range *g = &m->ranges[r];
            fprintf(out, "  %s[%s, %s): max leverage %s -> %s, mmr %s -> %s",
                    m->by_quantity ? "size " : "", lc__diff_num(g->from, a),
                    lc__diff_num(g->to, b), lc__diff_num(g->old_lev, c),
                    lc__diff_num(g->new_lev, d), lc__diff_num(g->old_mmr, e),
                    lc__diff_num(g->new_mmr, f));
            bool more = g->new_lev > g->old_lev, less = g->new_lev < g->old_lev;
            fprintf(out, "%s%s\n", more ? " (more leverage)" : less ? " (less leverage)" : "",
                    g->new_mmr > g->old_mmr   ? " (more margin)"
                    : g->new_mmr < g->old_mmr ? " (less margin)"
                                              : "");
        }
    }
    for (size_t i = 0; i < df->n_sc; i++) {
        const lc__script_diff *s = &df->sc[i];
        fprintf(out, "\nfile %s: %s -> %s\n", s->written, *s->old_sha ? s->old_sha : "(none)",
                *s->new_sha ? s->new_sha : "(none)");
        if (s->unified)
            fputs(s->unified, out);
    }
    const lc__impact *im = &df->impact;
    if (!im->present)
        return;
    fprintf(out, "\nimpact on %zu account%s, %zu position%s:\n", im->accounts,
            im->accounts == 1 ? "" : "s", im->positions, im->positions == 1 ? "" : "s");
    fprintf(out, "  initial margin      %s -> %s\n", lc__diff_num(im->im[0], a),
            lc__diff_num(im->im[1], b));
    fprintf(out, "  maintenance margin  %s -> %s\n", lc__diff_num(im->mm[0], a),
            lc__diff_num(im->mm[1], b));
    if (im->plans)
        fprintf(out, "  plans would close   %s -> %s of notional\n", lc__diff_num(im->closed[0], a),
                lc__diff_num(im->closed[1], b));
    for (int x = 0; x < LC_N_VERDICTS; x++)
        for (int y = 0; y < LC_N_VERDICTS; y++)
            if (x != y && im->matrix[x][y])
                fprintf(out, "  %s -> %s: %zu\n", lc_verdict_name((lc_verdict)x),
                        lc_verdict_name((lc_verdict)y), im->matrix[x][y]);
    if (im->n_acc) {
        fprintf(out, "  accounts changed: %zu (largest change in initial margin first)\n",
                im->n_acc);
        for (size_t i = 0; i < im->n_acc && i < 50; i++) {
            const lc__acct_change *ac = &im->acc[i];
            fprintf(out, "    %-16s %s -> %s, initial margin %s -> %s, maintenance %s -> %s\n",
                    ac->id, lc_verdict_name(ac->old_status), lc_verdict_name(ac->new_status),
                    lc__diff_num(ac->old_im, a), lc__diff_num(ac->new_im, b),
                    lc__diff_num(ac->old_mm, c), lc__diff_num(ac->new_mm, d));
        }
    }
    if (im->n_pos) {
        fprintf(out, "  positions changed: %zu\n", im->n_pos);
        for (size_t i = 0; i < im->n_pos && i < 50; i++) {
            const lc__pos_change *pc = &im->pos[i];
            fprintf(out, "    %-16s %-10s tier %u -> %u, max leverage %s -> %s, liquidation %s -> %s\n",
                    pc->account, pc->market, pc->old_tier, pc->new_tier,
                    lc__diff_num(pc->old_lev, a), lc__diff_num(pc->new_lev, b),
                    lc__diff_num(pc->old_lp, c), lc__diff_num(pc->new_lp, d));
        }
    }
}
