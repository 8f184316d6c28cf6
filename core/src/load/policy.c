/*
 * policy.c - reading and validating a policy file (format `levcal: 1`).
 *
 * The file is parsed into a located tree, then every section is checked and copied into
 * the policy's arena. Validation never stops at the first problem: each one becomes a
 * diagnostic at the line and column of the value at fault, and any error refuses the
 * whole policy, so a half-valid policy can never be evaluated.
 */
#include "base/prefix.h"

#include "load/load.h"
#include "rules/rules.h"
#include "script/script.h"
#include "syntax/node.h"
#include "syntax/reader.h"

#include <math.h>
#include <string.h>

#define LC_FORMAT_VERSION 1

/* ==== Tiers ============================================================= */

enum { T_CAP, T_MAXLEV, T_MMR, T_CUM, T_NKEYS };
static const lc__key tier_keys[T_NKEYS] = {
    {"cap", true}, {"max_leverage", true}, {"mmr", true}, {"maintenance_amount", false}};

/* YAML's spelling of infinity, unquoted: .inf, .Inf, .INF, with an optional '+'. */
static bool is_unbounded(const lc__node *n)
{
    if (n->kind != LC__NODE_SCALAR || n->quoted)
        return false;
    const char *s = n->s[0] == '+' ? n->s + 1 : n->s;
    return strcmp(s, ".inf") == 0 || strcmp(s, ".Inf") == 0 || strcmp(s, ".INF") == 0;
}

/* Validates one market's tier list into "out" (n entries). Each rule is checked against
 * the last tier whose value of that kind was valid, so one bad number yields one error,
 * not a cascade down the table. */
static void load_tiers(lc__ld *ld, const lc__node *seq, lc_tier *out, lc__basis basis)
{
    bool have_cap = false, have_lev = false, have_mmr = false, chain_ok = true;
    double prev_cap = 0, prev_lev = 0, prev_mmr = 0, cum = 0;
    char nb[40];

    for (size_t i = 0; i < seq->n; i++) {
        const lc__node *v[T_NKEYS];
        lc_tier *t = &out[i];
        t->cap = t->max_leverage = t->mmr = (double)NAN;
        if (!lc__node_map(ld, seq->kids[i], tier_keys, T_NKEYS, v, "a tier")) {
            chain_ok = false;
            continue;
        }
        bool ok_cap = false, ok_lev = false, ok_mmr = false;
        double x;
        if (v[T_CAP] && is_unbounded(v[T_CAP])) {
            /* The last tier may take every notional: no position limit in the market. */
            if (i + 1 == seq->n) {
                t->cap = (double)INFINITY;
                ok_cap = true;
            } else {
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_CAP]->line, v[T_CAP]->col,
                             "cap .inf (no position limit) is allowed on the last tier only");
            }
        } else if (v[T_CAP] && lc__node_number(ld, v[T_CAP], &x)) {
            if (!(x > 0)) {
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_CAP]->line, v[T_CAP]->col,
                             "expected a cap above 0, got %s", v[T_CAP]->s);
            } else if (have_cap && !(x > prev_cap)) {
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_CAP]->line, v[T_CAP]->col,
                             "expected a cap above the previous tier's %s, got %s "
                             "(caps must strictly increase)",
                             lc__numstr(prev_cap, nb), v[T_CAP]->s);
            } else {
                ok_cap = true;
            }
            t->cap = x;
        }
        if (v[T_MAXLEV] && lc__node_number(ld, v[T_MAXLEV], &x)) {
            if (!(x >= 1)) {
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_MAXLEV]->line, v[T_MAXLEV]->col,
                             "expected max_leverage of at least 1, got %s", v[T_MAXLEV]->s);
            } else if (have_lev && x > prev_lev) {
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_MAXLEV]->line, v[T_MAXLEV]->col,
                             "expected max_leverage of at most the previous tier's %s, "
                             "got %s (leverage may not rise with notional)",
                             lc__numstr(prev_lev, nb), v[T_MAXLEV]->s);
            } else {
                ok_lev = true;
            }
            t->max_leverage = x;
        }
        if (v[T_MMR] && lc__node_number(ld, v[T_MMR], &x)) {
            if (!(x > 0)) {
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_MMR]->line, v[T_MMR]->col, "expected mmr above 0, got %s",
                             v[T_MMR]->s);
            } else if (have_mmr && x < prev_mmr) {
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_MMR]->line, v[T_MMR]->col,
                             "expected mmr of at least the previous tier's %s, got %s "
                             "(maintenance rates may not fall with notional)",
                             lc__numstr(prev_mmr, nb), v[T_MMR]->s);
            } else if (ok_lev && x * t->max_leverage >= 1) {
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_MMR]->line, v[T_MMR]->col,
                             "expected mmr below 1/max_leverage = %s, got %s (a position "
                             "at max leverage would open already liquidatable)",
                             lc__numstr(1 / t->max_leverage, nb), v[T_MMR]->s);
            } else {
                ok_mmr = true;
            }
            t->mmr = x;
        }
        if (ok_cap) {
            have_cap = true;
            prev_cap = t->cap;
        }
        if (ok_lev) {
            have_lev = true;
            prev_lev = t->max_leverage;
        }
        if (ok_mmr) {
            have_mmr = true;
            prev_mmr = t->mmr;
        }

        if (basis == LC__BASIS_QUANTITY) {
            /* OKX and BitMEX apply the tier's rate to the whole notional: the amount is
             * 0 unless written, and then taken as written. */
            t->maintenance_amount = 0;
            if (v[T_CUM] && lc__node_number(ld, v[T_CUM], &x)) {
                if (!(x >= 0) || !isfinite(x))
                    lc__ld_error(ld, LC_DIAG_VALUE, v[T_CUM]->line, v[T_CUM]->col,
                                 "expected maintenance_amount of at least 0, got %s",
                                 v[T_CUM]->s);
                else
                    t->maintenance_amount = x;
            }
            continue;
        }
        /* cum depends on every earlier cap and rate: derive it only while they are valid. */
        chain_ok = chain_ok && ok_cap && ok_mmr;
        if (chain_ok)
            cum = lc__tier_derived_cum(out, i, cum);
        t->maintenance_amount = cum;
        if (v[T_CUM] && lc__node_number(ld, v[T_CUM], &x) && chain_ok) {
            double tol = 1e-9 * (fabs(cum) > 1 ? fabs(cum) : 1);
            if (fabs(x - cum) > tol)
                lc__ld_error(ld, LC_DIAG_VALUE, v[T_CUM]->line, v[T_CUM]->col,
                             "expected maintenance_amount %s (derived from the caps and "
                             "rates above, so that maintenance margin is continuous), got %s",
                             lc__numstr(cum, nb), v[T_CUM]->s);
        }
    }
}

/* ==== Sections ========================================================== */

enum { M_TIERS, M_VOLATILITY, M_SCRIPT, M_LOT, M_LIQUIDITY, M_BASIS, M_MARGIN, M_NKEYS };
static const lc__key market_keys[M_NKEYS] = {{"tiers", false},    {"volatility", false},
                                             {"script", false},   {"lot_size", false},
                                             {"liquidity", false}, {"tiers_by", false},
                                             {"margin", false}};

enum { Q_ADV, Q_SIGMA, Q_K, Q_NKEYS };
static const lc__key liquidity_keys[Q_NKEYS] = {
    {"adv", false}, {"sigma_1d", false}, {"impact_k", false}};

/* A market's liquidity for stress runs: ADV in the quote currency, its one-day sigma, the
 * square-root impact's factor; each positive when given. */
static void load_liquidity(lc__ld *ld, lc__market *mk, const lc__node *m)
{
    const lc__node *v[Q_NKEYS];
    double *dst[Q_NKEYS] = {&mk->liq_adv, &mk->liq_sigma, &mk->liq_k};
    if (!lc__node_map(ld, m, liquidity_keys, Q_NKEYS, v, "the 'liquidity' section"))
        return;
    for (int k = 0; k < Q_NKEYS; k++) {
        double x;
        if (!v[k] || !lc__node_number(ld, v[k], &x))
            continue;
        if (!(x > 0) && !(k == Q_K && x == 0))
            lc__ld_error(ld, LC_DIAG_VALUE, v[k]->line, v[k]->col, "expected %s above 0, got %s",
                         liquidity_keys[k].name, v[k]->s);
        else
            *dst[k] = x;
    }
}

/* The decimals a lot size is written with ("0.001" has 3), so multiples of it print as
 * the decimals they are. */
static int decimals_of(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot || strpbrk(s, "eE"))
        return dot ? 12 : 0;
    int n = 0;
    for (dot++; *dot >= '0' && *dot <= '9'; dot++)
        n++;
    return n;
}

static lc_status load_markets(lc__ld *ld, lc_policy *p, const lc__node *m)
{
    if (!lc__node_expect(ld, m, LC__NODE_MAP))
        return LC_OK;
    if (m->n == 0) {
        lc__ld_error(ld, LC_DIAG_MISSING, m->line, m->col, "expected at least one market under 'markets'");
        return LC_OK;
    }
    p->markets = lc__arena_alloc(&p->arena, (m->n / 2) * sizeof(*p->markets));
    if (!p->markets)
        return LC_ENOMEM;

    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const lc__node *k = m->kids[i], *body = m->kids[i + 1];
        const char *name;
        if (!lc__node_string(ld, k, &name))
            continue;
        if (name[0] == '\0') {
            lc__ld_error(ld, LC_DIAG_VALUE, k->line, k->col, "expected a market name, got an empty string");
            continue;
        }
        if (!lc__node_key_is_new(ld, m, i, "market"))
            continue;
        lc__market *mk = &p->markets[p->n_markets++];
        memset(mk, 0, sizeof(*mk));
        mk->name = name;
        mk->line = k->line;
        mk->col = k->col;
        mk->lot_size = (double)NAN;
        mk->liq_adv = mk->liq_sigma = mk->liq_k = (double)NAN;

        const lc__node *v[M_NKEYS];
        if (!lc__node_map(ld, body, market_keys, M_NKEYS, v, "a market"))
            continue;
        double lot;
        if (v[M_LOT] && lc__node_number(ld, v[M_LOT], &lot)) {
            if (!(lot > 0))
                lc__ld_error(ld, LC_DIAG_VALUE, v[M_LOT]->line, v[M_LOT]->col,
                             "expected a lot_size above 0, got %s", v[M_LOT]->s);
            else
                mk->lot_size = lot;
            mk->lot_decimals = decimals_of(v[M_LOT]->s);
            mk->lot_scale = pow(10.0, mk->lot_decimals < 15 ? mk->lot_decimals : 15);
        }
        if (v[M_LIQUIDITY])
            load_liquidity(ld, mk, v[M_LIQUIDITY]);
        if (v[M_BASIS] && lc__load_basis(ld, mk, v[M_BASIS]) && mk->basis == LC__BASIS_QUANTITY)
            p->mixed_basis = true;
        if (v[M_MARGIN]) {
            if (v[M_TIERS]) {
                lc__ld_error(ld, LC_DIAG_VALUE, v[M_MARGIN]->line, v[M_MARGIN]->col,
                             "market '%s' has both 'tiers' and 'margin'; expected one: a "
                             "margin scheme replaces the tier table", name);
                continue;
            }
            if (v[M_BASIS])
                lc__ld_error(ld, LC_DIAG_VALUE, v[M_BASIS]->line, v[M_BASIS]->col,
                             "'tiers_by' applies to a tier table; market '%s' has a margin "
                             "scheme", name);
            lc_status rc = lc__load_margin(ld, p, mk, v[M_MARGIN]);
            if (rc)
                return rc;
            if (!mk->margin)
                continue;
        } else {
            if (!v[M_TIERS]) {
                lc__ld_error(ld, LC_DIAG_MISSING, body->line, body->col,
                             "a market is missing required key 'tiers' (or a 'margin' "
                             "scheme)");
                continue;
            }
            if (!lc__node_expect(ld, v[M_TIERS], LC__NODE_SEQ))
                continue;
            if (v[M_TIERS]->n == 0) {
                lc__ld_error(ld, LC_DIAG_MISSING, v[M_TIERS]->line, v[M_TIERS]->col,
                             "expected at least one tier for market '%s'", name);
                continue;
            }
            mk->tiers = lc__arena_alloc(&p->arena, v[M_TIERS]->n * sizeof(lc_tier));
            if (!mk->tiers)
                return LC_ENOMEM;
            mk->n_tiers = v[M_TIERS]->n;
            load_tiers(ld, v[M_TIERS], mk->tiers, mk->basis);
        }
        if (v[M_VOLATILITY]) {
            lc_status rc = lc__load_volatility(ld, p, mk, v[M_VOLATILITY]);
            if (rc)
                return rc;
        }
        if (v[M_SCRIPT]) {
            lc_status rc = lc__load_market_script(ld, p, (long)(mk - p->markets), v[M_SCRIPT]);
            if (rc)
                return rc;
        }
    }
    return LC_OK;
}

enum { P_ID, P_VERSION, P_OWNER, P_DESC, P_APPROVALS, P_NKEYS };
static const lc__key meta_keys[P_NKEYS] = {{"id", true},           {"version", true},
                                           {"owner", false},       {"description", false},
                                           {"approvals", false}};

static lc_status load_meta(lc__ld *ld, lc_policy *p, const lc__node *m)
{
    const lc__node *v[P_NKEYS];
    if (!lc__node_map(ld, m, meta_keys, P_NKEYS, v, "the 'policy' section"))
        return LC_OK;
    if (v[P_ID] && lc__node_string(ld, v[P_ID], &p->id) && p->id[0] == '\0')
        lc__ld_error(ld, LC_DIAG_VALUE, v[P_ID]->line, v[P_ID]->col, "expected a policy id, got an empty string");
    if (v[P_VERSION] && lc__node_integer(ld, v[P_VERSION], &p->version) && p->version < 1)
        lc__ld_error(ld, LC_DIAG_VALUE, v[P_VERSION]->line, v[P_VERSION]->col,
                     "expected a policy version of at least 1, got %s", v[P_VERSION]->s);
    if (v[P_OWNER])
        lc__node_string(ld, v[P_OWNER], &p->owner);
    if (v[P_DESC])
        lc__node_string(ld, v[P_DESC], &p->description);
    return v[P_APPROVALS] ? lc__load_approvals(ld, p, v[P_APPROVALS]) : LC_OK;
}

/* In the order docs/policy-format.md describes them, which is also fmt's order. */
enum { R_LEVCAL, R_POLICY, R_CALIBRATION, R_MODELS, R_LIMITS, R_SCRIPTS, R_MARKETS, R_DELEV,
       R_LINT, R_NKEYS };
static const lc__key root_keys[R_NKEYS] = {{"levcal", true},       {"policy", true},
                                           {"calibration", false}, {"models", false},
                                           {"limits", false},      {"scripts", false},
                                           {"markets", true},      {"deleveraging", false},
                                           {"lint", false}};

static lc_status load_root(lc__ld *ld, lc_policy *p, const lc__node *root)
{
    if (!root) {
        lc__ld_error(ld, LC_DIAG_VALUE, 1, 1, "expected a policy (a mapping starting with 'levcal: %d'), "
                               "got an empty document",
                     LC_FORMAT_VERSION);
        return LC_OK;
    }
    if (root->kind != LC__NODE_MAP) {
        lc__ld_error(ld, LC_DIAG_VALUE, root->line, root->col,
                     "expected a policy (a mapping starting with 'levcal: %d'), got %s",
                     LC_FORMAT_VERSION, lc__node_kind_name(root->kind));
        return LC_OK;
    }

    /* The version decides how everything else reads, so check it before the rest: a
     * file of another format would otherwise drown the one useful error in noise. */
    const lc__node *ver = NULL;
    for (size_t i = 0; i + 1 < root->n; i += 2)
        if (root->kids[i]->kind == LC__NODE_SCALAR && strcmp(root->kids[i]->s, "levcal") == 0)
            ver = root->kids[i + 1];
    if (!ver) {
        lc__ld_error(ld, LC_DIAG_VALUE, root->line, root->col,
                     "missing format version: expected 'levcal: %d' at the top of the policy",
                     LC_FORMAT_VERSION);
        return LC_OK;
    }
    int64_t fv;
    if (!lc__node_integer(ld, ver, &fv))
        return LC_OK;
    if (fv != LC_FORMAT_VERSION) {
        lc__ld_error(ld, LC_DIAG_VALUE, ver->line, ver->col,
                     "unsupported format version %s; expected %d", ver->s, LC_FORMAT_VERSION);
        return LC_OK;
    }

    const lc__node *v[R_NKEYS];
    lc__node_map(ld, root, root_keys, R_NKEYS, v, "the policy");
    if (v[R_POLICY]) {
        lc_status rc = load_meta(ld, p, v[R_POLICY]);
        if (rc)
            return rc;
    }
    if (v[R_LINT])
        lc__load_lint(ld, p, v[R_LINT]);
    /* How the tiers were derived (levcal calibrate): metadata, kept in the digest. */
    if (v[R_CALIBRATION])
        lc__node_expect(ld, v[R_CALIBRATION], LC__NODE_MAP);
    if (v[R_MODELS]) {
        lc_status rc = lc__load_models(ld, p, v[R_MODELS]);
        if (rc)
            return rc;
    }
    /* Limits first: they size the Lua state that market and policy scripts load into. */
    if (v[R_LIMITS])
        lc__load_limits(ld, p, v[R_LIMITS]);
    if (v[R_MARKETS]) {
        lc_status rc = load_markets(ld, p, v[R_MARKETS]);
        if (rc)
            return rc;
    }
    if (v[R_DELEV]) {
        /* After the markets: rules name them. Before the index is built, so find markets
         * by name through it once it exists: build it early. */
        lc_status rc = lc__policy_build_index(p);
        if (rc == LC_OK)
            rc = lc__load_deleveraging(ld, p, v[R_DELEV]);
        if (rc)
            return rc;
        lc__check_lot_sizes(ld, p);
    }
    if (v[R_SCRIPTS]) {
        lc_status rc = lc__load_scripts(ld, p, v[R_SCRIPTS]);
        if (rc)
            return rc;
    }
    if (p->delev.adl == LC__ADL_SCRIPT && !lc__lua_has_adl(p->lua, p->delev.adl_script))
        lc__ld_error(ld, LC_DIAG_REFERENCE, p->delev.adl_line, p->delev.adl_col,
                     "ranking 'script:%s' names no script with an adl_score hook",
                     p->delev.adl_script);
    return LC_OK;
}

/* ==== Entry points ====================================================== */

lc_status lc_policy_load_buffer(const char *name, const char *buf, size_t len, lc_policy **pp,
                                lc_diags *diags)
{
    if (!pp || !name || (!buf && len))
        return LC_EINVAL;
    *pp = NULL;
    lc_policy *p = lc__calloc(1, sizeof(*p));
    if (!p)
        return LC_ENOMEM;
    lc__arena_init(&p->arena, 16384);
    lc__ld ld = {name, diags, 0, false};
    lc__reader *r = NULL;
    lc_status rc = LC_ENOMEM;
    p->path = lc__arena_strndup(&p->arena, name, strlen(name));
    if (!p->path)
        goto fail;
    if ((rc = lc__reader_open(&r, name, buf ? buf : "", len, false, diags)) != LC_OK)
        goto fail;
    lc__node *root;
    rc = lc__node_parse(r, &p->arena, &root);
    lc__reader_close(r);
    if (rc)
        goto fail;
    if ((rc = load_root(&ld, p, root)) != LC_OK)
        goto fail;
    if (ld.oom) {
        rc = LC_ENOMEM;
        goto fail;
    }
    /* The index first: the digest asks which markets are keyed by quantity. */
    if (!ld.n_errors && (rc = lc__policy_build_index(p)) != LC_OK)
        goto fail;
    if (!ld.n_errors && (rc = lc__policy_digest(&ld, p, root)) != LC_OK)
        goto fail;
    if (ld.n_errors) {
        rc = LC_EINPUT;
        goto fail;
    }
    *pp = p;
    return LC_OK;
fail:
    lc_policy_free(p);
    return rc;
}

lc_status lc_policy_load(const char *path, lc_policy **pp, lc_diags *diags)
{
    if (!pp || !path)
        return LC_EINVAL;
    *pp = NULL;
    char *buf;
    size_t len;
    lc_status rc = lc__read_file(path, &buf, &len, diags);
    if (rc)
        return rc;
    rc = lc_policy_load_buffer(path, buf, len, pp, diags);
    lc__free(buf);
    return rc;
}

void lc_policy_free(lc_policy *p)
{
    if (!p)
        return;
    lc__lua_free(p->lua);
    while (p->plugins) {
        lc__plugin *next = p->plugins->next;
        lc__plugin_close(p->plugins);
        p->plugins = next;
    }
    lc__arena_free(&p->arena);
    lc__free(p);
}
