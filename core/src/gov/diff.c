/*
 * diff.c - `levcal diff`: what changed between two policies, and whom it hits.
 *
 * The semantic diff compares the canonical trees the digests hash, so formatting, key
 * order and number spelling never show; each change is named by a JSON Pointer into that
 * tree. The impact evaluates both policies on the same books account by account, as the
 * streaming report does, keeping only what changed.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "gov/diff.h"
#include "gov/gov.h"
#include "rules/rules.h"
#include "syntax/canon.h"
#include "syntax/reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ==== The canonical trees =============================================== */

static char *subtree_json(const lc__node *n)
{
    lc__buf b = {0};
    if (lc__jcs_write(n, NULL, NULL, NULL, NULL, &b, "", NULL) != LC_OK) {
        lc__buf_free(&b);
        return NULL;
    }
    return b.p;
}

static void add_change(lc__diff *df, const char *path, const lc__node *a, const lc__node *b)
{
    if (df->rc)
        return;
    lc__change *c = lc__grow(df->ch, &df->cap_ch, df->n_ch, sizeof(*c), 32);
    if (!c) {
        df->rc = LC_ENOMEM;
        return;
    }
    df->ch = c;
    c = &df->ch[df->n_ch];
    c->path = lc__strdup(path);
    c->old_json = a ? subtree_json(a) : NULL;
    c->new_json = b ? subtree_json(b) : NULL;
    if (!c->path || (a && !c->old_json) || (b && !c->new_json)) {
        lc__free(c->path);
        lc__free(c->old_json);
        lc__free(c->new_json);
        df->rc = LC_ENOMEM;
        return;
    }
    df->n_ch++;
}

/* "path" + "/" + "key" with RFC 6901's escapes (~ as ~0, / as ~1). */
static size_t push(char *path, size_t len, size_t cap, const char *key)
{
    size_t o = len;
    if (o + 1 < cap)
        path[o++] = '/';
    for (; *key && o + 2 < cap; key++) {
        if (*key == '~' || *key == '/') {
            path[o++] = '~';
            path[o++] = *key == '~' ? '0' : '1';
        } else {
            path[o++] = *key;
        }
    }
    path[o] = '\0';
    return o;
}

static bool same_scalar(const lc__node *a, const lc__node *b)
{
    return a->quoted == b->quoted && a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static void tree_diff(lc__diff *df, char *path, size_t len, const lc__node *a, const lc__node *b)
{
    char buf[2048];
    if (df->rc)
        return;
    if (a->kind != b->kind || a->kind == LC__NODE_SCALAR) {
        if (a->kind != b->kind || !same_scalar(a, b))
            add_change(df, path, a, b);
        return;
    }
    if (a->kind == LC__NODE_SEQ) {
        size_t n = a->n > b->n ? a->n : b->n;
        for (size_t i = 0; i < n; i++) {
            snprintf(buf, sizeof buf, "%zu", i);
            size_t l2 = push(path, len, 4096, buf);
            if (i < a->n && i < b->n)
                tree_diff(df, path, l2, a->kids[i], b->kids[i]);
            else
                add_change(df, path, i < a->n ? a->kids[i] : NULL, i < b->n ? b->kids[i] : NULL);
            path[len] = '\0';
        }
        return;
    }
    /* Canonical members are sorted: merge the two key lists. */
    size_t i = 0, j = 0;
    while (i + 1 < a->n || j + 1 < b->n) {
        int c = i + 1 >= a->n ? 1 : j + 1 >= b->n ? -1 : lc__utf16_cmp(a->kids[i]->s, b->kids[j]->s);
        const char *key = c <= 0 ? a->kids[i]->s : b->kids[j]->s;
        size_t l2 = push(path, len, 4096, key);
        if (c == 0)
            tree_diff(df, path, l2, a->kids[i + 1], b->kids[j + 1]);
        else if (c < 0)
            add_change(df, path, a->kids[i + 1], NULL);
        else
            add_change(df, path, NULL, b->kids[j + 1]);
        path[len] = '\0';
        if (c <= 0)
            i += 2;
        if (c >= 0)
            j += 2;
    }
}

static lc_status parse_canon(const lc_policy *p, lc__arena *a, lc__node **proot)
{
    lc__reader *r = NULL;
    lc_status rc = lc__reader_open(&r, "canonical", p->canon, p->canon_len, true, NULL);
    if (rc == LC_OK)
        rc = lc__node_parse(r, a, proot);
    lc__reader_close(r);
    return rc;
}

/* ==== Markets =========================================================== */

static int dbl_cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* The tier figures at notional "x", NaN beyond the last cap (over the position limit). */
static void figures_at(const lc__market *mk, double x, double *lev, double *mmr)
{
    *lev = *mmr = (double)NAN;
    if (!mk)
        return;
    int over = 0;
    size_t t = lc_tier_find(mk->tiers, mk->n_tiers, x, &over);
    if (over)
        return;
    *lev = mk->tiers[t].max_leverage;
    *mmr = mk->tiers[t].mmr;
}

static bool differs(double a, double b)
{
    return !(a == b || (isnan(a) && isnan(b)));
}

static lc_status market_ranges(lc__market_diff *md)
{
    /* Ranges compare two tables in one unit: two notional tables, or two keyed by
     * quantity (md->by_quantity). A margin scheme, or a change of basis, has no common
     * axis; the changes of the canonical tree say what changed. */
    const lc__market *o = md->old_mk, *w = md->new_mk;
    if ((o && o->margin) || (w && w->margin) || (o && w && o->basis != w->basis))
        return LC_OK;
    md->by_quantity = (o ? o : w)->basis == LC__BASIS_QUANTITY;
    size_t n = 1 + (md->old_mk ? md->old_mk->n_tiers : 0) + (md->new_mk ? md->new_mk->n_tiers : 0);
    double *x = lc__malloc(n * sizeof(*x));
    md->ranges = lc__malloc(n * sizeof(*md->ranges));
    if (!x || !md->ranges) {
        lc__free(x);
        return LC_ENOMEM;
    }
    size_t k = 0;
    x[k++] = 0;
    for (int s = 0; s < 2; s++) {
        const lc__market *mk = s ? md->new_mk : md->old_mk;
        for (size_t t = 0; mk && t < mk->n_tiers; t++)
            if (isfinite(mk->tiers[t].cap))
                x[k++] = mk->tiers[t].cap;
    }
    qsort(x, k, sizeof(*x), dbl_cmp);
    for (size_t i = 0; i < k; i++) {
        if (i && x[i] == x[i - 1])
            continue;
        double to = (double)INFINITY;
        for (size_t j = i + 1; j < k; j++)
            if (x[j] > x[i]) {
                to = x[j];
                break;
            }
        lc__range r = {x[i], to, 0, 0, 0, 0};
        figures_at(md->old_mk, x[i], &r.old_lev, &r.old_mmr);
        figures_at(md->new_mk, x[i], &r.new_lev, &r.new_mmr);
        if (!differs(r.old_lev, r.new_lev) && !differs(r.old_mmr, r.new_mmr))
            continue;
        lc__range *last = md->n_ranges ? &md->ranges[md->n_ranges - 1] : NULL;
        if (last && last->to == r.from && !differs(last->old_lev, r.old_lev) &&
            !differs(last->new_lev, r.new_lev) && !differs(last->old_mmr, r.old_mmr) &&
            !differs(last->new_mmr, r.new_mmr))
            last->to = r.to;
        else
            md->ranges[md->n_ranges++] = r;
    }
    lc__free(x);
    return LC_OK;
}

static lc_status add_market(lc__diff *df, const char *name, const lc__market *o,
                            const lc__market *n)
{
    lc__market_diff *m = lc__grow(df->mk, &df->cap_mk, df->n_mk, sizeof(*m), 16);
    if (!m)
        return LC_ENOMEM;
    df->mk = m;
    lc__market_diff *md = &df->mk[df->n_mk++];
    memset(md, 0, sizeof(*md));
    md->name = name;
    md->old_mk = o;
    md->new_mk = n;
    return market_ranges(md);
}

/* Whether some change's path lies under /markets/<name>. */
static bool market_touched(const lc__diff *df, const char *name)
{
    char prefix[600];
    size_t l = push(prefix, 0, sizeof prefix, "markets");
    l = push(prefix, l, sizeof prefix, name);
    for (size_t i = 0; i < df->n_ch; i++)
        if (strncmp(df->ch[i].path, prefix, l) == 0 &&
            (df->ch[i].path[l] == '/' || df->ch[i].path[l] == '\0'))
            return true;
    return false;
}

static lc_status markets(lc__diff *df)
{
    const lc_policy *o = df->pol[0], *n = df->pol[1];
    for (size_t i = 0; i < o->n_markets; i++) {
        const lc__market *om = &o->markets[i];
        long j = lc__policy_find(n, om->name, strlen(om->name));
        const lc__market *nm = j >= 0 ? &n->markets[j] : NULL;
        if ((!nm || market_touched(df, om->name)) && add_market(df, om->name, om, nm))
            return LC_ENOMEM;
    }
    for (size_t j = 0; j < n->n_markets; j++) {
        const lc__market *nm = &n->markets[j];
        if (lc__policy_find(o, nm->name, strlen(nm->name)) < 0 && add_market(df, nm->name, NULL, nm))
            return LC_ENOMEM;
    }
    return LC_OK;
}

/* ==== Scripts: a unified diff of the texts ============================== */

typedef struct lines {
    const char **s;
    size_t *len;
    size_t n;
} lines;

static bool split(const char *buf, size_t blen, lines *l)
{
    size_t n = 1;
    for (size_t i = 0; i < blen; i++)
        n += buf[i] == '\n';
    l->s = lc__malloc(n * sizeof(*l->s));
    l->len = lc__malloc(n * sizeof(*l->len));
    l->n = 0;
    if (!l->s || !l->len)
        return false;
    for (size_t i = 0; i < blen;) {
        size_t e = i;
        while (e < blen && buf[e] != '\n')
            e++;
        l->s[l->n] = buf + i;
        l->len[l->n++] = e - i;
        i = e + 1;
    }
    return true;
}

static bool line_eq(const lines *a, size_t i, const lines *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

#define MAX_DIFF_LINES 4000

/* The edit script by longest common subsequence (scripts are short), then hunks with
 * three lines of context, as `diff -u` prints them. */
static char *unified(const char *name, const char *ta, size_t la, const char *tb, size_t lb)
{
    lines a = {0}, b = {0};
    char *result = NULL;
    unsigned *dp = NULL;
    char *ops = NULL;
    lc__buf o = {0};
    if (!split(ta, la, &a) || !split(tb, lb, &b))
        goto done;
    if (a.n > MAX_DIFF_LINES || b.n > MAX_DIFF_LINES) {
        lc__buf_printf(&o, "(%zu and %zu lines: too long to show here)\n", a.n, b.n);
        result = o.p;
        o.p = NULL;
        goto done;
    }
    size_t w = b.n + 1;
    dp = lc__calloc((a.n + 1) * w, sizeof(*dp));
    ops = lc__malloc(a.n + b.n + 1);
    if (!dp || !ops)
        goto done;
    for (size_t i = a.n; i-- > 0;)
        for (size_t j = b.n; j-- > 0;)
            dp[i * w + j] = line_eq(&a, i, &b, j) ? dp[(i + 1) * w + j + 1] + 1
                            : dp[(i + 1) * w + j] > dp[i * w + j + 1] ? dp[(i + 1) * w + j]
                                                                      : dp[i * w + j + 1];
    size_t n_ops = 0, i = 0, j = 0;
    while (i < a.n || j < b.n) {
        if (i < a.n && j < b.n && line_eq(&a, i, &b, j)) {
            ops[n_ops++] = ' ';
            i++, j++;
        } else if (i < a.n && (j == b.n || dp[(i + 1) * w + j] >= dp[i * w + j + 1])) {
            ops[n_ops++] = '-'; /* removals before additions, as diff -u prints them */
            i++;
        } else {
            ops[n_ops++] = '+';
            j++;
        }
    }
    lc__buf_printf(&o, "--- a/%s\n+++ b/%s\n", name, name);
    /* Walk the ops; a hunk spans changes closer than 7 lines, with 3 around them. */
    size_t k = 0;
    size_t ai = 0, bj = 0;
    while (k < n_ops) {
        size_t c = k;
        while (c < n_ops && ops[c] == ' ')
            c++;
        if (c == n_ops)
            break;
        size_t start = c >= 3 ? c - 3 : 0;
        /* positions at start */
        size_t as = ai, bs = bj;
        for (size_t q = k; q < start; q++) {
            as += ops[q] != '+';
            bs += ops[q] != '-';
        }
        size_t end = c;
        for (;;) {
            while (end < n_ops && ops[end] != ' ')
                end++;
            size_t run = end;
            while (run < n_ops && ops[run] == ' ')
                run++;
            if (run < n_ops && run - end <= 6)
                end = run;
            else {
                end = end + 3 < n_ops ? end + 3 : n_ops;
                break;
            }
        }
        size_t na = 0, nb = 0;
        for (size_t q = start; q < end; q++) {
            na += ops[q] != '+';
            nb += ops[q] != '-';
        }
        lc__buf_printf(&o, "@@ -%zu,%zu +%zu,%zu @@\n", na ? as + 1 : as, na, nb ? bs + 1 : bs, nb);
        size_t x = as, y = bs;
        for (size_t q = start; q < end; q++) {
            lc__buf_char(&o, ops[q]);
            if (ops[q] == '+') {
                lc__buf_mem(&o, b.s[y], b.len[y]);
                y++;
            } else {
                lc__buf_mem(&o, a.s[x], a.len[x]);
                x++;
                if (ops[q] == ' ')
                    y++;
            }
            lc__buf_char(&o, '\n');
        }
        ai = x;
        bj = y;
        k = end;
    }
    if (lc__buf_status(&o) == LC_OK) {
        result = o.p;
        o.p = NULL;
    }
done:
    lc__buf_free(&o);
    lc__free(dp);
    lc__free(ops);
    lc__free(a.s);
    lc__free(a.len);
    lc__free(b.s);
    lc__free(b.len);
    return result;
}

static const char *sha_of(const lc_policy *p, const char *written)
{
    for (size_t i = 0; i < p->n_files; i++)
        if (strcmp(p->files[i].written, written) == 0)
            return p->files[i].sha256;
    return "";
}

static lc_status scripts(lc__diff *df)
{
    /* Every path either policy names, once. */
    size_t cap = df->pol[0]->n_files + df->pol[1]->n_files;
    df->sc = lc__calloc(cap + 1, sizeof(*df->sc));
    if (!df->sc)
        return LC_ENOMEM;
    for (int s = 0; s < 2; s++) {
        const lc_policy *p = df->pol[s];
        for (size_t i = 0; i < p->n_files; i++) {
            const char *w = p->files[i].written;
            bool seen = false;
            for (size_t k = 0; k < df->n_sc && !seen; k++)
                seen = strcmp(df->sc[k].written, w) == 0;
            const char *a = sha_of(df->pol[0], w), *b = sha_of(df->pol[1], w);
            if (seen || strcmp(a, b) == 0)
                continue;
            lc__script_diff *sd = &df->sc[df->n_sc++];
            if (!(sd->written = lc__strdup(w)))
                return LC_ENOMEM;
            snprintf(sd->old_sha, sizeof sd->old_sha, "%s", a);
            snprintf(sd->new_sha, sizeof sd->new_sha, "%s", b);
            char *text[2] = {NULL, NULL};
            size_t len[2] = {0, 0};
            lc_status rc = LC_OK;
            for (int t = 0; t < 2 && rc == LC_OK; t++) {
                if (!*(t ? b : a))
                    continue;
                char *path = lc__path_join_dir(df->pol[t]->path, w);
                if (!path)
                    rc = LC_ENOMEM;
                else if (lc__read_file(path, &text[t], &len[t], NULL) == LC_ENOMEM)
                    rc = LC_ENOMEM; /* unreadable now: the diff shows the hashes alone */
                lc__free(path);
            }
            if (rc == LC_OK && !(sd->unified = unified(w, text[0] ? text[0] : "", len[0],
                                                       text[1] ? text[1] : "", len[1])))
                rc = LC_ENOMEM;
            lc__free(text[0]);
            lc__free(text[1]);
            if (rc)
                return rc;
        }
    }
    return LC_OK;
}

/* ==== Impact ============================================================ */

static bool same_num(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

static double plan_notional(const lc_account_result *a, const lc_position_result *pos)
{
    double s = a->plan ? a->plan->closed_notional : 0;
    for (size_t i = 0; i < a->n_positions; i++)
        if (pos[i].plan)
            s += pos[i].plan->closed_notional;
    return s;
}

static lc_status record(lc__impact *im, const char *portfolio, const lc_account_result *a0,
                        const lc_position_result *p0, const lc_account_result *a1,
                        const lc_position_result *p1)
{
    im->accounts++;
    im->im[0] += a0->initial_margin;
    im->im[1] += a1->initial_margin;
    im->mm[0] += a0->maintenance_margin;
    im->mm[1] += a1->maintenance_margin;
    im->by_status[0][a0->status]++;
    im->by_status[1][a1->status]++;
    im->matrix[a0->status][a1->status]++;
    im->closed[0] += plan_notional(a0, p0);
    im->closed[1] += plan_notional(a1, p1);
    if (a0->status != a1->status || !same_num(a0->initial_margin, a1->initial_margin) ||
        !same_num(a0->maintenance_margin, a1->maintenance_margin)) {
        lc__acct_change *v = lc__grow(im->acc, &im->cap_acc, im->n_acc, sizeof(*v), 64);
        if (!v)
            return LC_ENOMEM;
        im->acc = v;
        lc__acct_change *c = &im->acc[im->n_acc];
        if (!(c->id = lc__strdup(a0->id)))
            return LC_ENOMEM;
        im->n_acc++;
        c->portfolio = portfolio;
        c->old_status = a0->status;
        c->new_status = a1->status;
        c->old_im = a0->initial_margin;
        c->new_im = a1->initial_margin;
        c->old_mm = a0->maintenance_margin;
        c->new_mm = a1->maintenance_margin;
        c->old_av = a0->available;
        c->new_av = a1->available;
    }
    for (size_t i = 0; i < a0->n_positions && i < a1->n_positions; i++) {
        im->positions++;
        const lc_position_result *x = &p0[i], *y = &p1[i];
        if (x->tier == y->tier && same_num(x->max_leverage, y->max_leverage) &&
            same_num(x->liquidation_price, y->liquidation_price))
            continue;
        lc__pos_change *v = lc__grow(im->pos, &im->cap_pos, im->n_pos, sizeof(*v), 64);
        if (!v)
            return LC_ENOMEM;
        im->pos = v;
        lc__pos_change *c = &im->pos[im->n_pos];
        if (!(c->account = lc__strdup(a0->id)))
            return LC_ENOMEM;
        im->n_pos++;
        c->portfolio = portfolio;
        c->market = x->market;
        c->old_tier = x->tier;
        c->new_tier = y->tier;
        c->old_lev = x->max_leverage;
        c->new_lev = y->max_leverage;
        c->old_lp = x->liquidation_price;
        c->new_lp = y->liquidation_price;
        c->old_im = x->initial_margin;
        c->new_im = y->initial_margin;
    }
    return LC_OK;
}

/* Both policies on one book, account by account; the loaders' diagnostics to "d". */
static lc_status impact_of(lc__diff *df, const char *path, lc_diags *d)
{
    lc_portfolio *pf[2] = {NULL, NULL};
    lc_position_result *pos[2] = {NULL, NULL};
    lc__arena ar[2];
    lc__arena_init(&ar[0], 4096);
    lc__arena_init(&ar[1], 4096);
    lc_status rc = LC_OK;
    for (int s = 0; s < 2 && rc == LC_OK; s++)
        rc = lc_portfolio_load(df->pol[s], path, &pf[s], d);
    size_t largest = 1;
    for (size_t i = 0; rc == LC_OK && i < pf[0]->n_accts; i++)
        if (pf[0]->accts[i].n > largest)
            largest = pf[0]->accts[i].n;
    for (int s = 0; s < 2 && rc == LC_OK; s++)
        if (!(pos[s] = lc__malloc(largest * sizeof(*pos[s]))))
            rc = LC_ENOMEM;
    for (int s = 0; s < 2 && rc == LC_OK; s++)
        rc = lc__eval_begin(df->pol[s], pf[s]);
    for (size_t i = 0; rc == LC_OK && i < pf[0]->n_accts; i++) {
        lc_account_result a[2];
        for (int s = 0; s < 2 && rc == LC_OK; s++) {
            lc__arena_reset(&ar[s]);
            rc = lc__eval_account(df->pol[s], pf[s], i, &a[s], pos[s], &ar[s]);
        }
        if (rc == LC_OK)
            rc = record(&df->impact, path, &a[0], pos[0], &a[1], pos[1]);
    }
    lc__free(pos[0]);
    lc__free(pos[1]);
    lc__arena_free(&ar[0]);
    lc__arena_free(&ar[1]);
    lc_portfolio_free(pf[0]);
    lc_portfolio_free(pf[1]);
    return rc;
}

static int acc_cmp(const void *x, const void *y)
{
    const lc__acct_change *a = x, *b = y;
    double da = fabs(a->new_im - a->old_im), db = fabs(b->new_im - b->old_im);
    if (isnan(da))
        da = (double)INFINITY;
    if (isnan(db))
        db = (double)INFINITY;
    if (da != db)
        return da > db ? -1 : 1;
    int c = strcmp(a->id, b->id);
    return c ? c : strcmp(a->portfolio, b->portfolio);
}

static int pos_cmp(const void *x, const void *y)
{
    const lc__pos_change *a = x, *b = y;
    double da = fabs(a->new_im - a->old_im), db = fabs(b->new_im - b->old_im);
    if (da != db)
        return da > db ? -1 : 1;
    int c = strcmp(a->account, b->account);
    if (c)
        return c;
    c = strcmp(a->market, b->market);
    return c ? c : strcmp(a->portfolio, b->portfolio);
}

/* ==== Entry ============================================================= */

static void diff_free(lc__diff *df)
{
    for (size_t i = 0; i < df->n_ch; i++) {
        lc__free(df->ch[i].path);
        lc__free(df->ch[i].old_json);
        lc__free(df->ch[i].new_json);
    }
    lc__free(df->ch);
    for (size_t i = 0; i < df->n_mk; i++)
        lc__free(df->mk[i].ranges);
    lc__free(df->mk);
    for (size_t i = 0; i < df->n_sc; i++) {
        lc__free(df->sc[i].written);
        lc__free(df->sc[i].unified);
    }
    lc__free(df->sc);
    for (size_t i = 0; i < df->impact.n_acc; i++)
        lc__free(df->impact.acc[i].id);
    lc__free(df->impact.acc);
    for (size_t i = 0; i < df->impact.n_pos; i++)
        lc__free(df->impact.pos[i].account);
    lc__free(df->impact.pos);
}

lc_status lc_diff_write(const lc_policy *old_pol, const lc_policy *new_pol,
                        const char *const *portfolios, size_t n_portfolios, lc_format fmt,
                        FILE *out, FILE *html, int *differ, lc_diags *d)
{
    if (!old_pol || !new_pol || (!portfolios && n_portfolios) || (!out && !html))
        return LC_EINVAL;
    lc__diff df;
    memset(&df, 0, sizeof df);
    df.pol[0] = old_pol;
    df.pol[1] = new_pol;
    lc__arena a;
    lc__arena_init(&a, 16384);
    lc__node *t0 = NULL, *t1 = NULL;
    lc_status rc = parse_canon(old_pol, &a, &t0);
    if (rc == LC_OK)
        rc = parse_canon(new_pol, &a, &t1);
    if (rc == LC_OK) {
        char path[4096] = "";
        tree_diff(&df, path, 0, t0, t1);
        rc = df.rc;
    }
    if (rc == LC_OK)
        rc = markets(&df);
    if (rc == LC_OK)
        rc = scripts(&df);
    df.impact.portfolios = portfolios;
    df.impact.n_portfolios = n_portfolios;
    df.impact.present = n_portfolios > 0;
    df.impact.plans = old_pol->delev.present || new_pol->delev.present;
    for (size_t i = 0; rc == LC_OK && i < n_portfolios; i++)
        rc = impact_of(&df, portfolios[i], d);
    if (rc == LC_OK) {
        if (df.impact.n_acc)
            qsort(df.impact.acc, df.impact.n_acc, sizeof(*df.impact.acc), acc_cmp);
        if (df.impact.n_pos)
            qsort(df.impact.pos, df.impact.n_pos, sizeof(*df.impact.pos), pos_cmp);
        if (differ)
            *differ = strcmp(old_pol->digest, new_pol->digest) != 0;
        if (out && fmt == LC_FORMAT_JSON)
            lc__diff_json(&df, out);
        else if (out)
            lc__diff_text(&df, out);
        if (html)
            lc__diff_html(&df, html);
        if ((out && ferror(out)) || (html && ferror(html)))
            rc = LC_EIO;
    }
    diff_free(&df);
    lc__arena_free(&a);
    return rc;
}
