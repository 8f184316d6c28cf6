/*
 * policy_margin.c - a market's 'tiers_by' and its 'margin' scheme: the two ways a market
 * departs from Binance-style notional brackets.
 */
#include "base/prefix.h"

#include "load/load.h"

#include <math.h>
#include <string.h>

bool lc__load_basis(lc__ld *ld, lc__market *mk, const lc__node *n)
{
    const char *s;
    if (!lc__node_string(ld, n, &s))
        return false;
    if (strcmp(s, "notional") == 0) {
        mk->basis = LC__BASIS_NOTIONAL;
    } else if (strcmp(s, "quantity") == 0) {
        mk->basis = LC__BASIS_QUANTITY;
    } else {
        lc__ld_error(ld, LC_DIAG_VALUE, n->line, n->col,
                     "expected tiers_by 'notional' or 'quantity', got '%s'", s);
        return false;
    }
    mk->basis_given = true;
    return true;
}

enum { G_SCHEME, G_BASE, G_MFRAC, G_OILO, G_OIHI, G_FACTOR, G_MRATIO, G_NKEYS };
static const lc__key margin_keys[G_NKEYS] = {
    {"scheme", true},   {"base_imf", true}, {"maintenance_fraction", false},
    {"oi_lower", false}, {"oi_upper", false}, {"factor", false},
    {"maintenance_ratio", false}};

/* Which scheme each key belongs to (the first three: all, or where noted). */
static const lc__scheme key_scheme[G_NKEYS] = {LC__SCHEME_TIERS, LC__SCHEME_TIERS, LC__SCHEME_OI,
                                               LC__SCHEME_OI,    LC__SCHEME_OI,    LC__SCHEME_SIZE,
                                               LC__SCHEME_SIZE};

static const char *const scheme_name[] = {"tiers", "open_interest", "size_premium"};

/* Reads number "k" of "v" into *x when given; false if given and not a number. */
static bool num(lc__ld *ld, const lc__node *const *v, int k, double *x)
{
    return !v[k] || lc__node_number(ld, v[k], x);
}

/* An error at value "k" unless lo < x < hi (open ends where "lo_in"/"hi_in" say so). */
static void range(lc__ld *ld, const lc__node *const *v, int k, double x, double lo, bool lo_in,
                  double hi, bool hi_in, const char *expect)
{
    if (!v[k])
        return;
    bool ok = (lo_in ? x >= lo : x > lo) && (hi_in ? x <= hi : x < hi);
    if (!ok)
        lc__ld_error(ld, LC_DIAG_VALUE, v[k]->line, v[k]->col, "expected %s %s, got %s",
                     margin_keys[k].name, expect, v[k]->s);
}

lc_status lc__load_margin(lc__ld *ld, lc_policy *p, lc__market *mk, const lc__node *m)
{
    const lc__node *v[G_NKEYS];
    if (!lc__node_map(ld, m, margin_keys, G_NKEYS, v, "the 'margin' section"))
        return LC_OK;
    const char *s;
    if (!lc__node_string(ld, v[G_SCHEME], &s))
        return LC_OK;
    lc__scheme scheme;
    if (strcmp(s, "open_interest") == 0) {
        scheme = LC__SCHEME_OI;
    } else if (strcmp(s, "size_premium") == 0) {
        scheme = LC__SCHEME_SIZE;
    } else {
        lc__ld_error(ld, LC_DIAG_VALUE, v[G_SCHEME]->line, v[G_SCHEME]->col,
                     "expected scheme 'open_interest' or 'size_premium', got '%s'", s);
        return LC_OK;
    }
    size_t errors = ld->n_errors;
    for (int k = G_MFRAC; k < G_NKEYS; k++)
        if (v[k] && key_scheme[k] != scheme)
            lc__ld_error(ld, LC_DIAG_VALUE, v[k]->line, v[k]->col,
                         "'%s' belongs to the %s scheme, not %s", margin_keys[k].name,
                         scheme_name[key_scheme[k]], scheme_name[scheme]);
    static const int needs_oi[] = {G_MFRAC}, needs_size[] = {G_FACTOR, G_MRATIO};
    const int *need = scheme == LC__SCHEME_OI ? needs_oi : needs_size;
    size_t n_need = scheme == LC__SCHEME_OI ? 1 : 2;
    for (size_t i = 0; i < n_need; i++)
        if (!v[need[i]])
            lc__ld_error(ld, LC_DIAG_MISSING, m->line, m->col,
                         "expected '%s' in the %s scheme", margin_keys[need[i]].name, s);
    lc__margin g = {scheme, (double)NAN, (double)NAN, 0, 0, (double)NAN, (double)NAN, m->line, m->col};
    if (num(ld, v, G_BASE, &g.base_imf))
        range(ld, v, G_BASE, g.base_imf, 0, false, 1, true, "above 0 and at most 1");
    if (num(ld, v, G_MFRAC, &g.maintenance_fraction))
        range(ld, v, G_MFRAC, g.maintenance_fraction, 0, false, 1, false,
              "above 0 and below 1 (maintenance below initial margin)");
    if (num(ld, v, G_OILO, &g.oi_lower))
        range(ld, v, G_OILO, g.oi_lower, 0, true, (double)INFINITY, false, "of at least 0");
    if (num(ld, v, G_OIHI, &g.oi_upper)) {
        range(ld, v, G_OIHI, g.oi_upper, 0, true, (double)INFINITY, false, "of at least 0");
        if (v[G_OIHI] && g.oi_upper > 0 && !(g.oi_upper > g.oi_lower))
            lc__ld_error(ld, LC_DIAG_VALUE, v[G_OIHI]->line, v[G_OIHI]->col,
                         "expected oi_upper above oi_lower (%s), or 0 for no scaling, got %s",
                         v[G_OILO] ? v[G_OILO]->s : "0", v[G_OIHI]->s);
    }
    if (num(ld, v, G_FACTOR, &g.factor))
        range(ld, v, G_FACTOR, g.factor, 0, true, (double)INFINITY, false, "of at least 0");
    if (num(ld, v, G_MRATIO, &g.maintenance_ratio))
        range(ld, v, G_MRATIO, g.maintenance_ratio, 0, false, 1, false,
              "above 0 and below 1 (maintenance below initial margin)");
    if (ld->n_errors != errors)
        return LC_OK;
    mk->margin = lc__arena_alloc(&p->arena, sizeof(*mk->margin));
    mk->tiers = lc__arena_alloc(&p->arena, sizeof(*mk->tiers));
    if (!mk->margin || !mk->tiers)
        return LC_ENOMEM;
    *mk->margin = g;
    /* One tier standing for the scheme at its base rates: what volatility caps, scripts'
     * tier look-ups and the tools that read tier tables see. */
    double mmf = scheme == LC__SCHEME_OI ? g.base_imf * g.maintenance_fraction
                                         : g.maintenance_ratio * g.base_imf;
    mk->tiers[0] = (lc_tier){(double)INFINITY, 1 / g.base_imf, mmf, 0};
    mk->n_tiers = 1;
    p->mixed_basis = true;
    return LC_OK;
}
