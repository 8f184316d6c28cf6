/*
 * lint.c - `levcal lint`: every problem of every policy file at once, each with a rule id.
 *
 * Errors are the loader's own (rule "load"); the rules below find what loads but is
 * suspicious. They read the located tree for positions and the loaded policy for what
 * the values mean. docs/lint.md shows a bad and a good example of each.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "model/policy.h"
#include "syntax/canon.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rules[] = {
    "leverage-cliff", "mmr-jump",       "thin-buffer",   "explicit-maintenance-amount",
    "no-volatility-cap", "unused-model", "script-may-loosen", "missing-metadata",
    "stale-approval", "unreachable-target"};

const char *lc_lint_rule(size_t i)
{
    return i < LC_ARRAY_LEN(rules) ? rules[i] : NULL;
}

static bool known_rule(const char *r)
{
    for (size_t i = 0; i < LC_ARRAY_LEN(rules); i++)
        if (strcmp(rules[i], r) == 0)
            return true;
    return false;
}

/* ==== Findings ========================================================== */

typedef struct finding {
    char *file;
    unsigned line, col;
    lc_severity sev;
    lc_diag_code code;
    const char *rule;
    char *msg;
    size_t seq; /* order found, for a stable sort */
} finding;

typedef struct linter {
    finding *v;
    size_t n, cap;
    const char *file;
    const char *const *off; /* disabled from the command line */
    size_t n_off;
    const lc_policy *p;     /* its lint.disable */
    lc_status rc;
} linter;

static bool disabled(const linter *L, const char *rule)
{
    for (size_t i = 0; i < L->n_off; i++)
        if (strcmp(L->off[i], rule) == 0)
            return true;
    for (size_t i = 0; L->p && i < L->p->n_lint_off; i++)
        if (strcmp(L->p->lint_off[i].rule, rule) == 0)
            return true;
    return false;
}

static void add_finding(linter *L, const char *file, unsigned line, unsigned col,
                        lc_severity sev, lc_diag_code code, const char *rule, const char *msg)
{
    if (L->rc)
        return;
    finding *v = lc__grow(L->v, &L->cap, L->n, sizeof(*v), 32);
    if (!v) {
        L->rc = LC_ENOMEM;
        return;
    }
    L->v = v;
    finding *f = &L->v[L->n];
    f->file = file ? lc__strdup(file) : NULL;
    f->msg = lc__strdup(msg);
    if ((file && !f->file) || !f->msg) {
        lc__free(f->file);
        lc__free(f->msg);
        L->rc = LC_ENOMEM;
        return;
    }
    f->line = line;
    f->col = col;
    f->sev = sev;
    f->code = code;
    f->rule = rule;
    f->seq = L->n;
    L->n++;
}

static void report(linter *L, const lc__node *at, lc_severity sev, const char *rule,
                   const char *fmt, ...) LC_PRINTF(5, 6);

static void report(linter *L, const lc__node *at, lc_severity sev, const char *rule,
                   const char *fmt, ...)
{
    if (disabled(L, rule))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add_finding(L, L->file, at ? at->line : 1, at ? at->col : 1, sev, LC_DIAG_LINT, rule, msg);
}

static bool num(const lc__node *n, double *v)
{
    bool b;
    return n && n->kind == LC__NODE_SCALAR && lc__scalar_resolve(n, v, &b) == LC__SCALAR_NUMBER;
}

/* ==== Rules ============================================================= */

static void tier_rules(linter *L, const lc__node *tiers, bool by_quantity)
{
    double prev_lev = 0, prev_mmr = 0;
    char a[40], b[40], c[40];
    for (size_t i = 0; tiers && tiers->kind == LC__NODE_SEQ && i < tiers->n; i++) {
        const lc__node *t = tiers->kids[i], *kcum = NULL;
        const lc__node *vlev = lc__gov_get(t, "max_leverage", NULL);
        const lc__node *vmmr = lc__gov_get(t, "mmr", NULL);
        const lc__node *vcap = i ? lc__gov_get(tiers->kids[i - 1], "cap", NULL) : NULL;
        double lev = 0, mmr = 0, cap = 0;
        if (!num(vlev, &lev) || !num(vmmr, &mmr))
            continue;
        const char *at_cap = num(vcap, &cap) ? lc__numstr(cap, c) : "?";
        if (i && lev < prev_lev / 4)
            report(L, vlev, LC_SEV_WARNING, "leverage-cliff",
                   "tier %zu's max_leverage %s is below a quarter of tier %zu's %s: a position "
                   "growing past %s loses over 75%% of its leverage at once",
                   i + 1, lc__numstr(lev, a), i, lc__numstr(prev_lev, b), at_cap);
        if (i && mmr > 2 * prev_mmr)
            report(L, vmmr, LC_SEV_WARNING, "mmr-jump",
                   "tier %zu's mmr %s is more than twice tier %zu's %s: the maintenance rate "
                   "jumps at %s",
                   i + 1, lc__numstr(mmr, a), i, lc__numstr(prev_mmr, b), at_cap);
        if (mmr * lev > 0.8) /* the product shown to 10 digits: 0.018 x 50 is 0.9, not 0.8999... */
            report(L, t, LC_SEV_WARNING, "thin-buffer",
                   "tier %zu: mmr %s x max_leverage %s = %.10g > 0.8: a position opened at max "
                   "leverage starts within 20%% of liquidation",
                   i + 1, lc__numstr(mmr, a), lc__numstr(lev, b), mmr * lev);
        /* Quantity-keyed tiers take their amount as written: it is meant, not derived. */
        if (!by_quantity && lc__gov_get(t, "maintenance_amount", &kcum))
            report(L, kcum, LC_SEV_NOTE, "explicit-maintenance-amount",
                   "tier %zu gives maintenance_amount by hand; it is derived from the caps and "
                   "rates (and checked when given), so it can be left out",
                   i + 1);
        prev_lev = lev;
        prev_mmr = mmr;
    }
}

/* A margin scheme's buffer: maintenance over initial margin is the scheme's fraction or
 * ratio, the same product mmr x max leverage as a tier's. */
static void scheme_rules(linter *L, const lc__node *margin)
{
    const lc__node *k = NULL, *v = lc__gov_get(margin, "maintenance_fraction", &k);
    if (!v)
        v = lc__gov_get(margin, "maintenance_ratio", &k);
    double x;
    char a[40];
    if (num(v, &x) && x > 0.8)
        report(L, k, LC_SEV_WARNING, "thin-buffer",
               "%s %s > 0.8: maintenance margin is over 80%% of initial margin, so a position "
               "opened at max leverage starts within 20%% of liquidation",
               k->s, lc__numstr(x, a));
}

static void loosen_rule(linter *L, const lc__node *script)
{
    const lc__node *v = lc__gov_get(script, "scripts_may_loosen", NULL);
    const lc__node *path = script && script->kind == LC__NODE_SCALAR
                               ? script
                               : lc__gov_get(script, "path", NULL);
    if (v && v->kind == LC__NODE_SCALAR && strcmp(v->s, "true") == 0)
        report(L, v, LC_SEV_WARNING, "script-may-loosen",
               "script '%s' may raise caps above the declarative ones (scripts_may_loosen: "
               "true): a bug in it loosens limits",
               path && path->kind == LC__NODE_SCALAR ? path->s : "?");
}

static void target_rule(linter *L, const lc__node *plan)
{
    const lc__node *t = lc__gov_get(plan, "target", NULL);
    const lc__node *mr = lc__gov_get(t, "margin_ratio", NULL);
    double x;
    char a[40];
    if (num(mr, &x) && x >= 1)
        report(L, mr, LC_SEV_ERROR, "unreachable-target",
               "target margin_ratio <= %s can never be met out of liquidation: maintenance "
               "liquidates at margin_ratio >= 1, so a plan stopping there leaves the account "
               "liquidatable; use a target below 1",
               lc__numstr(x, a));
}

static void run_rules(linter *L, const lc__node *root, const lc_policy *p)
{
    const lc__node *kpol = NULL;
    const lc__node *pol = lc__gov_get(root, "policy", &kpol);
    if (pol && !lc__gov_get(pol, "owner", NULL))
        report(L, kpol, LC_SEV_WARNING, "missing-metadata",
               "the policy has no 'owner': name who answers for it");
    if (pol && !lc__gov_get(pol, "description", NULL))
        report(L, kpol, LC_SEV_WARNING, "missing-metadata",
               "the policy has no 'description': say what it is and where its figures come from");

    const lc__node *markets = lc__gov_get(root, "markets", NULL);
    const lc__node *models = lc__gov_get(root, "models", NULL);
    for (size_t i = 0; markets && i + 1 < markets->n; i += 2) {
        const lc__node *k = markets->kids[i], *body = markets->kids[i + 1];
        const lc__node *basis = lc__gov_get(body, "tiers_by", NULL);
        tier_rules(L, lc__gov_get(body, "tiers", NULL),
                   basis && basis->kind == LC__NODE_SCALAR && strcmp(basis->s, "quantity") == 0);
        scheme_rules(L, lc__gov_get(body, "margin", NULL));
        if (!lc__gov_get(body, "volatility", NULL))
            report(L, k, LC_SEV_NOTE, "no-volatility-cap",
                   "market '%s' has no volatility section: its leverage does not respond to "
                   "volatility",
                   k->s);
        loosen_rule(L, lc__gov_get(body, "script", NULL));
    }
    for (size_t i = 0; models && models->kind == LC__NODE_MAP && i + 1 < models->n; i += 2) {
        const lc__node *k = models->kids[i];
        bool used = false;
        for (size_t j = 0; markets && j + 1 < markets->n && !used; j += 2) {
            const lc__node *vol = lc__gov_get(markets->kids[j + 1], "volatility", NULL);
            const lc__node *m = lc__gov_get(vol, "model", NULL);
            used = m && m->kind == LC__NODE_SCALAR && strcmp(m->s, k->s) == 0;
        }
        if (!used)
            report(L, k, LC_SEV_WARNING, "unused-model",
                   "model '%s' is declared but no market's volatility uses it", k->s);
    }
    const lc__node *scripts = lc__gov_get(root, "scripts", NULL);
    for (size_t i = 0; scripts && scripts->kind == LC__NODE_SEQ && i < scripts->n; i++)
        loosen_rule(L, scripts->kids[i]);

    const lc__node *dv = lc__gov_get(root, "deleveraging", NULL);
    target_rule(L, lc__gov_get(dv, "liquidation", NULL));
    const lc__node *rl = lc__gov_get(dv, "rules", NULL);
    for (size_t i = 0; rl && rl->kind == LC__NODE_SEQ && i < rl->n; i++)
        target_rule(L, rl->kids[i]);

    for (size_t i = 0; i < p->n_approvals; i++) {
        const lc__approval *a = &p->approvals[i];
        if (strcmp(a->digest, p->digest) == 0 || disabled(L, "stale-approval"))
            continue;
        char msg[512];
        snprintf(msg, sizeof msg,
                 "approval by '%s' at %s is for %.19s..., not the current digest %s: the policy "
                 "changed since it was approved",
                 a->by, a->at, a->digest, p->digest);
        add_finding(L, L->file, a->line, a->col, LC_SEV_WARNING, LC_DIAG_LINT, "stale-approval",
                    msg);
    }
    for (size_t i = 0; i < p->n_lint_off; i++) {
        const lc__lint_off *o = &p->lint_off[i];
        if (known_rule(o->rule))
            continue;
        const char *hint = lc__did_you_mean(o->rule, rules, LC_ARRAY_LEN(rules));
        char msg[512];
        if (hint)
            snprintf(msg, sizeof msg, "unknown lint rule '%s' (did you mean '%s'?)", o->rule, hint);
        else
            snprintf(msg, sizeof msg, "unknown lint rule '%s'", o->rule);
        add_finding(L, L->file, o->line, o->col, LC_SEV_WARNING, LC_DIAG_LINT, "unknown-rule", msg);
    }
}

/* ==== One file ========================================================== */

/* Lints "buf" (read from "path"; "rc" how reading went, with its diagnostics in "tmp"). */
static void lint_text(linter *L, const char *path, const char *buf, size_t len, lc_status rc,
                      lc_diags *tmp_in, bool *unreadable);

static void lint_file(linter *L, const char *path, bool *unreadable)
{
    lc_diags tmp;
    lc_diags_init(&tmp);
    char *buf = NULL;
    size_t len = 0;
    lc_status rc = lc__read_file(path, &buf, &len, &tmp);
    lint_text(L, path, buf, len, rc, &tmp, unreadable);
    lc__free(buf);
}

static void lint_text(linter *L, const char *path, const char *buf, size_t len, lc_status rc,
                      lc_diags *tmp_in, bool *unreadable)
{
    lc_diags tmp = *tmp_in;
    L->file = path;
    L->p = NULL;
    lc_policy *p = NULL;
    if (rc == LC_OK)
        rc = lc_policy_load_buffer(path, buf, len, &p, &tmp);
    if (rc == LC_EIO)
        *unreadable = true;
    if (rc == LC_ENOMEM)
        L->rc = LC_ENOMEM;
    size_t first = L->n;
    if (p) {
        lc__arena a;
        lc__arena_init(&a, 16384);
        lc__node *root = NULL;
        L->p = p;
        lc_status prc = lc__gov_parse(path, buf, len, &a, &root, NULL);
        if (prc == LC_ENOMEM)
            L->rc = LC_ENOMEM;
        else if (prc == LC_OK && root)
            run_rules(L, root, p);
        lc__arena_free(&a);
    }
    /* The loader's records; a warning it gives where a rule reports the same thing (a
     * script allowed to loosen) is the rule's. */
    for (const lc_diag *r = tmp.head; r; r = r->next) {
        bool dup = false;
        for (size_t i = first; i < L->n && !dup; i++)
            dup = r->severity != LC_SEV_ERROR && L->v[i].line == r->line &&
                  L->v[i].col == r->col && r->file && strcmp(r->file, path) == 0;
        if (!dup)
            add_finding(L, r->file, r->line, r->col, r->severity, r->code, "load", r->msg);
    }
    lc_policy_free(p);
    lc_diags_free(&tmp);
}

static int finding_cmp(const void *pa, const void *pb)
{
    const finding *a = pa, *b = pb;
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static lc_status lint_all(const char *const *paths, size_t n, const char *text, size_t len,
                          const char *const *disable, size_t n_disable, lc_diags *out);

lc_status lc_lint(const char *const *paths, size_t n, const char *const *disable,
                  size_t n_disable, lc_diags *out)
{
    if ((!paths && n) || (!disable && n_disable) || !out)
        return LC_EINVAL;
    return lint_all(paths, n, NULL, 0, disable, n_disable, out);
}

lc_status lc__lint_text(const char *name, const char *text, size_t len, lc_diags *out)
{
    return lint_all(&name, 1, text, len, NULL, 0, out);
}

static lc_status lint_all(const char *const *paths, size_t n, const char *text, size_t len,
                          const char *const *disable, size_t n_disable, lc_diags *out)
{
    linter L = {NULL, 0, 0, NULL, disable, n_disable, NULL, LC_OK};
    bool unreadable = false;
    for (size_t i = 0; i < n && L.rc == LC_OK; i++) {
        if (text) {
            lc_diags tmp;
            lc_diags_init(&tmp);
            lint_text(&L, paths[i], text, len, LC_OK, &tmp, &unreadable);
        } else {
            lint_file(&L, paths[i], &unreadable);
        }
    }
    if (L.n)
        qsort(L.v, L.n, sizeof(*L.v), finding_cmp);
    for (size_t i = 0; i < L.n; i++) {
        finding *f = &L.v[i];
        if (L.rc == LC_OK) {
            if (lc__diag_add(out, f->sev, f->code, f->file, f->line, f->col, "%s", f->msg))
                L.rc = LC_ENOMEM;
            else
                out->tail->rule = f->rule;
        }
        lc__free(f->file);
        lc__free(f->msg);
    }
    lc__free(L.v);
    if (L.rc)
        return L.rc;
    return unreadable ? LC_EIO : LC_OK;
}
