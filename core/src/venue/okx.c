/*
 * okx.c - OKX v5: GET /api/v5/public/position-tiers ({code, data: [{uly, instFamily,
 * instId, tier, minSz, maxSz, mmr, imr, maxLever}]}, sizes in contracts), with each
 * contract's value from GET /api/v5/public/instruments ({data: [{instId, instFamily,
 * ctVal, lotSz}]}) or --contract-size. The tiers become quantity-keyed tiers whose caps
 * are maxSz x ctVal in base units: OKX applies a tier's rate to the whole position.
 */
#include "base/prefix.h"

#include "venue/venue.h"

#include <math.h>
#include <string.h>

/* The 'data' array of an OKX response. */
static const lc__node *data_of(lc__vctx *c, const lc__node *r, const char *what)
{
    const lc__node *d;
    if (!lc__v_expect(c, r, LC__NODE_MAP, what) || !(d = lc__v_get(c, r, "data", what)) ||
        !lc__v_expect(c, d, LC__NODE_SEQ, "'data' (an array)"))
        return NULL;
    return d;
}

/* A string member, "" when absent or not a string. */
static const char *text(const lc__node *obj, const char *key)
{
    const lc__node *v = lc__gov_get(obj, key, NULL);
    return v && v->kind == LC__NODE_SCALAR ? v->s : "";
}

/* The group a tier or instrument belongs to: its family, else underlying, else id. */
static const char *family(const lc__node *obj)
{
    const char *s = text(obj, "instFamily");
    if (!*s)
        s = text(obj, "uly");
    if (!*s)
        s = text(obj, "instId");
    return s;
}

static bool is_instruments(const lc__node *r)
{
    const lc__node *d = lc__gov_get(r, "data", NULL);
    return d && d->kind == LC__NODE_SEQ && d->n && lc__gov_get(d->kids[0], "ctVal", NULL);
}

void lc__import_okx(lc__vctx *c, lc__vfile *f, size_t n)
{
    c->ld.file = f[0].name;
    if (n < 1 || n > 2) {
        lc__ld_error(&c->ld, LC_DIAG_VALUE, 0, 0,
                     "okx takes the position-tiers file and, optionally, the instruments file; got %zu files", n);
        return;
    }
    lc__vfile *tf = &f[0], *inf = n == 2 ? &f[1] : NULL;
    if (inf && is_instruments(tf->root) && !is_instruments(inf->root)) {
        lc__vfile *t = tf;
        tf = inf;
        inf = t;
    }
    const lc__node *inst = NULL;
    if (inf) {
        c->ld.file = inf->name;
        if (!(inst = data_of(c, inf->root, "the instruments response (an object)")))
            return;
        if (!isnan(c->contract_size)) {
            lc__ld_error(&c->ld, LC_DIAG_VALUE, 0, 0,
                         "give the contract value once: the instruments file or --contract-size");
            return;
        }
    } else if (isnan(c->contract_size)) {
        lc__ld_error(&c->ld, LC_DIAG_MISSING, 0, 0,
                     "okx tiers are in contracts: give the instruments file (ctVal) or --contract-size");
        return;
    }
    c->ld.file = tf->name;
    const lc__node *d = data_of(c, tf->root, "the position-tiers response (an object)");
    if (!d)
        return;
    size_t first = c->n;
    char a[40];
    for (size_t i = 0; i < d->n && c->rc == LC_OK; i++) {
        const lc__node *t = d->kids[i];
        if (!lc__v_expect(c, t, LC__NODE_MAP, "a position tier (an object)"))
            return;
        const char *fam = family(t);
        if (!*fam) {
            lc__ld_error(&c->ld, LC_DIAG_MISSING, t->line, t->col,
                         "expected 'instFamily', 'uly' or 'instId' in a position tier");
            return;
        }
        /* The instrument of this family: its id names the market, its ctVal sizes it. */
        double ct = c->contract_size, lot = (double)NAN;
        const char *name = fam;
        if (inst) {
            const lc__node *in = NULL;
            for (size_t k = 0; k < inst->n && !in; k++)
                if (inst->kids[k]->kind == LC__NODE_MAP && strcmp(family(inst->kids[k]), fam) == 0)
                    in = inst->kids[k];
            if (!in) {
                lc__ld_error(&c->ld, LC_DIAG_REFERENCE, t->line, t->col,
                             "no instrument of family '%s' in %s, so no contract value", fam,
                             inf->name);
                return;
            }
            const lc__node *cv = lc__v_get(c, in, "ctVal", "an instrument");
            const lc__node *ls = lc__gov_get(in, "lotSz", NULL);
            c->ld.file = inf->name;
            bool ok = cv && lc__v_num(c, cv, "ctVal", &ct, NULL) &&
                      (!ls || lc__v_num(c, ls, "lotSz", &lot, NULL));
            c->ld.file = tf->name;
            if (!ok)
                return;
            name = text(in, "instId");
        }
        if (!lc__v_wanted(c, name))
            continue;
        const lc__node *mx = lc__v_get(c, t, "maxSz", "a position tier");
        const lc__node *mmr = lc__v_get(c, t, "mmr", "a position tier");
        const lc__node *lev = lc__v_get(c, t, "maxLever", "a position tier");
        lc__vtier v;
        memset(&v, 0, sizeof v);
        v.at_cap = mx, v.at_lev = lev, v.at_mmr = mmr;
        double sz;
        if (!mx || !mmr || !lev || !lc__v_num(c, mx, "maxSz", &sz, NULL) ||
            !lc__v_num(c, mmr, "mmr", &v.mmr, v.mmr_s) ||
            !lc__v_num(c, lev, "maxLever", &v.lev, v.lev_s))
            return;
        v.cap = sz * ct;
        lc__v_numtext(v.cap, true, v.cap_s);
        lc__vmarket *m = NULL;
        for (size_t k = first; k < c->n && !m; k++)
            if (strcmp(c->m[k].name, name) == 0)
                m = &c->m[k];
        if (!m) {
            if (!(m = lc__v_market(c, name)))
                return;
            m->by_quantity = true;
            if (!isnan(lot))
                lc__v_numtext(lot * ct, true, m->lot_s);
        }
        if (m->n_tiers && !(v.cap > m->tiers[m->n_tiers - 1].cap)) {
            lc__ld_error(&c->ld, LC_DIAG_VALUE, mx->line, mx->col,
                         "expected %s's tiers in rising maxSz; %s contracts follow %s in base units",
                         name, mx->s, lc__numstr(m->tiers[m->n_tiers - 1].cap, a));
            return;
        }
        if (!lc__v_tier(c, m, &v))
            return;
    }
}
