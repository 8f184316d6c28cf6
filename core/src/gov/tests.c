/*
 * tests.c - `levcal test`: policy tests written by risk managers, run like `opa test`.
 *
 * A test file names a policy and cases; each case evaluates a small book and compares
 * report fields with what is expected. Expectations are compared with the report itself
 * (its JSON, parsed back), so any field the report has can be expected and no figure can
 * differ from what `levcal eval` prints. Test files are checked whole before anything
 * runs: a malformed one is an input error with file:line:col, not a failing case.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "syntax/canon.h"
#include "syntax/comments.h"
#include "syntax/reader.h"

#include <dirent.h>
#include <stdarg.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ==== Test files ======================================================== */

typedef struct tcase {
    const char *file;        /* the test file, as found */
    unsigned line;           /* where the case starts */
    const char *name;
    char *policy;            /* resolved path */
    const lc__node *pf_node; /* an inline portfolio, or NULL */
    char *pf_path;           /* or a portfolio file (resolved), or NULL */
    char **hist;             /* "MARKET=PATH", resolved */
    size_t n_hist;
    bool has_until;
    int64_t until;
    const lc__node *expect;  /* mapping of "ID" / "ID/MARKET" to field expectations */
    const char *expect_error;
    const char *src;         /* the test file's text (for inline portfolios) */
    size_t src_len;
    /* results */
    bool ran, passed;
    lc__buf why;             /* mismatch lines, "\n"-separated */
} tcase;

typedef struct tfile {
    char *path;
    char *buf;
    size_t len;
    lc__arena arena;         /* its tree */
} tfile;

typedef struct suite {
    tfile *files;
    size_t n_files, cap_files;
    tcase *cases;
    size_t n_cases, cap_cases;
    lc_diags *d;
    lc_status rc;
} suite;

static char *resolve(const char *test_file, const char *rel)
{
    return lc__path_join_dir(test_file, rel);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds "path", or every *_test.yaml under it in name order, to the suite's files. */
static lc_status collect(suite *s, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        lc__diag_add(s->d, LC_SEV_ERROR, LC_DIAG_FILE, path, 0, 0, "cannot open: no such file or directory");
        return LC_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        tfile *f = lc__grow(s->files, &s->cap_files, s->n_files, sizeof(*f), 8);
        if (!f)
            return LC_ENOMEM;
        s->files = f;
        f = &s->files[s->n_files];
        memset(f, 0, sizeof(*f));
        if (!(f->path = lc__strdup(path)))
            return LC_ENOMEM;
        lc__arena_init(&f->arena, 16384);
        s->n_files++;
        return LC_OK;
    }
    if (depth > 32)
        return LC_OK;
    DIR *dir = opendir(path);
    if (!dir) {
        lc__diag_add(s->d, LC_SEV_ERROR, LC_DIAG_FILE, path, 0, 0, "cannot open the directory");
        return LC_EIO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    lc_status rc = LC_OK;
    struct dirent *e;
    while (rc == LC_OK && (e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *full = lc__malloc(len);
        if (!full) {
            rc = LC_ENOMEM;
            break;
        }
        snprintf(full, len, "%s/%s", path, e->d_name);
        struct stat es;
        bool keep = stat(full, &es) == 0 &&
                    (S_ISDIR(es.st_mode) || ends_with(e->d_name, "_test.yaml"));
        if (!keep) {
            lc__free(full);
            continue;
        }
        char **nn = lc__grow(names, &cap, n, sizeof(*nn), 16);
        if (!nn) {
            lc__free(full);
            rc = LC_ENOMEM;
            break;
        }
        names = nn;
        names[n++] = full;
    }
    closedir(dir);
    if (n)
        qsort(names, n, sizeof(*names), str_cmp);
    for (size_t i = 0; i < n; i++) {
        if (rc == LC_OK)
            rc = collect(s, names[i], depth + 1);
        lc__free(names[i]);
    }
    lc__free(names);
    return rc;
}

/* ---- Checking what a case expects ---- */

static void check_expected(lc__ld *ld, const lc__node *v)
{
    if (v->kind == LC__NODE_SEQ) {
        for (size_t i = 0; i < v->n; i++)
            check_expected(ld, v->kids[i]);
        return;
    }
    if (v->kind == LC__NODE_MAP) {
        const lc__node *ap = lc__gov_get(v, "approx", NULL);
        if (!ap) {
            for (size_t i = 0; i + 1 < v->n; i += 2)
                check_expected(ld, v->kids[i + 1]);
            return;
        }
        static const lc__key keys[] = {{"approx", true}, {"rel", false}, {"abs", false}};
        const lc__node *kv[3];
        lc__node_map(ld, v, keys, 3, kv, "an approximate number");
        double x;
        if (kv[0])
            lc__node_number(ld, kv[0], &x);
        if (!kv[1] == !kv[2])
            lc__ld_error(ld, LC_DIAG_MISSING, v->line, v->col,
                         "expected exactly one of 'rel' or 'abs' beside 'approx'");
        for (int k = 1; k < 3; k++)
            if (kv[k] && lc__node_number(ld, kv[k], &x) && !(x >= 0))
                lc__ld_error(ld, LC_DIAG_VALUE, kv[k]->line, kv[k]->col,
                             "expected a tolerance of at least 0, got %s", kv[k]->s);
        return;
    }
    double x;
    bool b;
    if (lc__scalar_resolve(v, &x, &b) == LC__SCALAR_NUMBER && !(x == floor(x) && isfinite(x)))
        lc__ld_error(ld, LC_DIAG_VALUE, v->line, v->col,
                     "a number that is not whole is compared within a tolerance: write "
                     "{approx: %s, rel: 1e-9} (or abs: ...)",
                     v->s);
}

static void check_expect(lc__ld *ld, const lc__node *m)
{
    if (!lc__node_expect(ld, m, LC__NODE_MAP))
        return;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const char *key;
        const lc__node *body = m->kids[i + 1];
        if (!lc__node_string(ld, m->kids[i], &key))
            continue;
        if (!key[0] || key[0] == '/' || (strchr(key, '/') && !strchr(key, '/')[1]))
            lc__ld_error(ld, LC_DIAG_VALUE, m->kids[i]->line, m->kids[i]->col,
                         "expected an account id or ACCOUNT/MARKET, got '%s'", key);
        if (lc__node_expect(ld, body, LC__NODE_MAP))
            for (size_t j = 0; j + 1 < body->n; j += 2) {
                const char *field;
                if (lc__node_string(ld, body->kids[j], &field))
                    check_expected(ld, body->kids[j + 1]);
            }
    }
}

enum { C_NAME, C_POLICY, C_PORTFOLIO, C_HISTORY, C_UNTIL, C_EXPECT, C_ERROR, C_N };
static const lc__key case_keys[C_N] = {{"name", true},     {"policy", false},
                                       {"portfolio", false}, {"history", false},
                                       {"until", false},   {"expect", false},
                                       {"expect_error", false}};
enum { F_POLICY, F_CASES, F_N };
static const lc__key file_keys[F_N] = {{"policy", false}, {"cases", true}};

static tcase *new_case(suite *s)
{
    tcase *c = lc__grow(s->cases, &s->cap_cases, s->n_cases, sizeof(*c), 16);
    if (!c)
        return NULL;
    s->cases = c;
    c = &s->cases[s->n_cases++];
    memset(c, 0, sizeof(*c));
    return c;
}

static lc_status load_file(suite *s, tfile *f)
{
    lc_status rc = lc__read_file(f->path, &f->buf, &f->len, s->d);
    if (rc)
        return rc;
    lc__node *root = NULL;
    if ((rc = lc__gov_parse(f->path, f->buf, f->len, &f->arena, &root, s->d)) != LC_OK)
        return rc;
    lc__ld ld = {f->path, s->d, 0, false};
    const lc__node *v[F_N];
    if (!root) {
        lc__ld_error(&ld, LC_DIAG_MISSING, 1, 1, "expected a test file: 'cases:' and a list of cases");
        return LC_EINPUT;
    }
    if (!lc__node_map(&ld, root, file_keys, F_N, v, "a test file"))
        return LC_EINPUT;
    const char *fpol = NULL;
    if (v[F_POLICY])
        lc__node_string(&ld, v[F_POLICY], &fpol);
    const lc__node *cases = v[F_CASES];
    if (cases && lc__node_expect(&ld, cases, LC__NODE_SEQ)) {
        for (size_t i = 0; i < cases->n; i++) {
            const lc__node *cn = cases->kids[i], *cv[C_N];
            if (!lc__node_map(&ld, cn, case_keys, C_N, cv, "a test case"))
                continue;
            tcase *c = new_case(s);
            if (!c)
                return LC_ENOMEM;
            c->file = f->path;
            c->line = cn->line;
            c->src = f->buf;
            c->src_len = f->len;
            if (cv[C_NAME])
                lc__node_string(&ld, cv[C_NAME], &c->name);
            const char *pol = fpol;
            if (cv[C_POLICY])
                lc__node_string(&ld, cv[C_POLICY], &pol);
            if (!pol)
                lc__ld_error(&ld, LC_DIAG_MISSING, cn->line, cn->col,
                             "the case has no policy: give 'policy:' in the file or the case");
            else if (!(c->policy = resolve(f->path, pol)))
                return LC_ENOMEM;
            const lc__node *pn = cv[C_PORTFOLIO];
            if (pn && pn->kind == LC__NODE_SCALAR) {
                const char *pp;
                if (lc__node_string(&ld, pn, &pp) && !(c->pf_path = resolve(f->path, pp)))
                    return LC_ENOMEM;
            } else if (pn && pn->kind == LC__NODE_MAP) {
                c->pf_node = pn;
            } else if (pn) {
                lc__ld_error(&ld, LC_DIAG_TYPE, pn->line, pn->col,
                             "expected a portfolio: a file name or the book itself (a mapping)");
            }
            if (!pn && !cv[C_ERROR])
                lc__ld_error(&ld, LC_DIAG_MISSING, cn->line, cn->col,
                             "the case has no portfolio (or expect_error)");
            if (cv[C_ERROR])
                lc__node_string(&ld, cv[C_ERROR], &c->expect_error);
            if (!cv[C_EXPECT] && !cv[C_ERROR])
                lc__ld_error(&ld, LC_DIAG_MISSING, cn->line, cn->col,
                             "the case expects nothing: give 'expect:' or 'expect_error:'");
            if (cv[C_EXPECT]) {
                c->expect = cv[C_EXPECT];
                check_expect(&ld, c->expect);
            }
            const lc__node *h = cv[C_HISTORY];
            if (h && lc__node_expect(&ld, h, LC__NODE_MAP)) {
                c->hist = lc__arena_alloc(&f->arena, (h->n / 2 + 1) * sizeof(char *));
                if (!c->hist)
                    return LC_ENOMEM;
                for (size_t k = 0; k + 1 < h->n; k += 2) {
                    const char *m, *p;
                    if (!lc__node_string(&ld, h->kids[k], &m) ||
                        !lc__node_string(&ld, h->kids[k + 1], &p))
                        continue;
                    char *full = resolve(f->path, p);
                    if (!full)
                        return LC_ENOMEM;
                    size_t len = strlen(m) + strlen(full) + 2;
                    char *e = lc__arena_alloc(&f->arena, len);
                    if (!e) {
                        lc__free(full);
                        return LC_ENOMEM;
                    }
                    snprintf(e, len, "%s=%s", m, full);
                    lc__free(full);
                    c->hist[c->n_hist++] = e;
                }
            }
            const lc__node *u = cv[C_UNTIL];
            if (u) {
                const char *us;
                if (lc__node_string(&ld, u, &us) && !lc__parse_date(us, strlen(us), &c->until))
                    lc__ld_error(&ld, LC_DIAG_VALUE, u->line, u->col,
                                 "expected 'until' as YYYY-MM-DD, got '%s'", us);
                c->has_until = true;
            }
        }
    }
    if (ld.oom)
        return LC_ENOMEM;
    return ld.n_errors ? LC_EINPUT : LC_OK;
}

/* ==== Running a case ==================================================== */

static void mismatch(tcase *c, const char *fmt, ...) LC_PRINTF(2, 3);

static void mismatch(tcase *c, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->why.len)
        lc__buf_char(&c->why, '\n');
    lc__buf_str(&c->why, msg);
    c->passed = false;
}

/* A node as JSON text, for messages. */
static void show(const lc__node *n, char *out, size_t cap)
{
    if (n->kind == LC__NODE_SCALAR) {
        double v;
        bool b;
        if (lc__scalar_resolve(n, &v, &b) == LC__SCALAR_STRING)
            snprintf(out, cap, "\"%.200s\"", n->s);
        else
            snprintf(out, cap, "%.200s", n->s);
        return;
    }
    lc__buf o = {0};
    lc__jcs_write(n, NULL, NULL, NULL, NULL, &o, "", NULL);
    snprintf(out, cap, "%.300s", o.p ? o.p : "?");
    lc__buf_free(&o);
}

/* Compares expectation "want" (from the test file) with "got" (from the report's JSON). */
static void compare(tcase *c, const char *path, const lc__node *want, const lc__node *got)
{
    char ws[400], gs[400];
    show(got, gs, sizeof gs);
    if (want->kind == LC__NODE_MAP && lc__gov_get(want, "approx", NULL)) {
        double x = 0, tol = 0, g = 0;
        bool b;
        const lc__node *rel = lc__gov_get(want, "rel", NULL);
        const lc__node *abs_ = lc__gov_get(want, "abs", NULL);
        lc__scalar_resolve(lc__gov_get(want, "approx", NULL), &x, &b);
        lc__scalar_resolve(rel ? rel : abs_, &tol, &b);
        double bound = rel ? tol * fabs(x) : tol;
        if (got->kind != LC__NODE_SCALAR || lc__scalar_resolve(got, &g, &b) != LC__SCALAR_NUMBER)
            mismatch(c, "%s: expected a number near %s, got %s", path,
                     lc__gov_get(want, "approx", NULL)->s, gs);
        else if (!(fabs(g - x) <= bound))
            mismatch(c, "%s: expected %s (%s %s), got %s", path,
                     lc__gov_get(want, "approx", NULL)->s, rel ? "rel" : "abs",
                     (rel ? rel : abs_)->s, gs);
        return;
    }
    if (want->kind == LC__NODE_MAP) {
        if (got->kind != LC__NODE_MAP) {
            show(want, ws, sizeof ws);
            mismatch(c, "%s: expected %s, got %s", path, ws, gs);
            return;
        }
        for (size_t i = 0; i + 1 < want->n; i += 2) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s.%s", path, want->kids[i]->s);
            const lc__node *g = lc__gov_get(got, want->kids[i]->s, NULL);
            if (!g)
                mismatch(c, "%s: no such field in the report", sub);
            else
                compare(c, sub, want->kids[i + 1], g);
        }
        return;
    }
    if (want->kind == LC__NODE_SEQ) {
        if (got->kind != LC__NODE_SEQ || got->n != want->n) {
            show(want, ws, sizeof ws);
            mismatch(c, "%s: expected %s, got %s", path, ws, gs);
            return;
        }
        for (size_t i = 0; i < want->n; i++) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            compare(c, sub, want->kids[i], got->kids[i]);
        }
        return;
    }
    double wv = 0, gv = 0;
    bool wb = false, gb = false;
    lc__scalar_type wt = lc__scalar_resolve(want, &wv, &wb);
    lc__scalar_type gt = got->kind == LC__NODE_SCALAR ? lc__scalar_resolve(got, &gv, &gb)
                                                       : LC__SCALAR_STRING;
    bool same = got->kind == LC__NODE_SCALAR && wt == gt &&
                (wt == LC__SCALAR_NULL || (wt == LC__SCALAR_BOOL && wb == gb) ||
                 (wt == LC__SCALAR_NUMBER && wv == gv) ||
                 (wt == LC__SCALAR_STRING && strcmp(want->s, got->s) == 0));
    if (!same) {
        show(want, ws, sizeof ws);
        mismatch(c, "%s: expected %s, got %s", path, ws, gs);
    }
}

static const lc__node *find_by(const lc__node *seq, const char *key, const char *value)
{
    for (size_t i = 0; seq && seq->kind == LC__NODE_SEQ && i < seq->n; i++) {
        const lc__node *v = lc__gov_get(seq->kids[i], key, NULL);
        if (v && v->kind == LC__NODE_SCALAR && strcmp(v->s, value) == 0)
            return seq->kids[i];
    }
    return NULL;
}

static void check_report(tcase *c, const lc__node *report)
{
    const lc__node *accounts = lc__gov_get(report, "accounts", NULL);
    for (size_t i = 0; i + 1 < c->expect->n; i += 2) {
        const char *key = c->expect->kids[i]->s;
        const char *slash = strchr(key, '/');
        char id[512];
        snprintf(id, sizeof id, "%.*s", (int)(slash ? (size_t)(slash - key) : strlen(key)), key);
        const lc__node *a = find_by(accounts, "id", id);
        if (!a) {
            mismatch(c, "%s: no account '%s' in the report", key, id);
            continue;
        }
        const lc__node *target = a;
        if (slash) {
            target = find_by(lc__gov_get(a, "positions", NULL), "market", slash + 1);
            if (!target) {
                mismatch(c, "%s: account '%s' has no position in '%s'", key, id, slash + 1);
                continue;
            }
        }
        const lc__node *fields = c->expect->kids[i + 1];
        for (size_t j = 0; j + 1 < fields->n; j += 2) {
            char path[600];
            snprintf(path, sizeof path, "%s.%s", key, fields->kids[j]->s);
            const lc__node *g = lc__gov_get(target, fields->kids[j]->s, NULL);
            if (!g)
                mismatch(c, "%s: no such field in the report", path);
            else
                compare(c, path, fields->kids[j + 1], g);
        }
    }
}

/* The text of an inline portfolio, laid where it lies in the test file (the lines and
 * columns before it blanked), so the portfolio's own diagnostics point into the test file. */
static char *inline_text(const tcase *c, size_t *plen)
{
    const lc__node *n = c->pf_node;
    size_t start = lc__text_offset(c->src, c->src_len, n->line, n->col);
    size_t end = n->end_line ? lc__text_offset(c->src, c->src_len, n->end_line, n->end_col)
                             : c->src_len;
    size_t ls = start;
    while (ls > 0 && c->src[ls - 1] != '\n')
        ls--;
    lc__buf b = {0};
    lc__buf_fill(&b, '\n', n->line - 1);
    for (size_t i = ls; i < start; i++) /* keep tabs, blank everything else */
        lc__buf_char(&b, c->src[i] == '\t' ? '\t' : ' ');
    lc__buf_mem(&b, c->src + start, end - start);
    lc__buf_char(&b, '\n');
    if (lc__buf_status(&b)) {
        lc__buf_free(&b);
        return NULL;
    }
    *plen = b.len;
    return b.p;
}

static void diags_text(const lc_diags *d, lc__buf *out)
{
    for (const lc_diag *r = d->head; r; r = r->next) {
        if (out->len)
            lc__buf_char(out, '\n');
        if (r->file)
            lc__buf_printf(out, "%s:%u:%u: ", r->file, r->line, r->col);
        lc__buf_str(out, r->msg);
    }
}

static lc_status run_case(tcase *c)
{
    c->ran = true;
    c->passed = true;
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *pol = NULL;
    lc_portfolio *pf = NULL;
    lc_report *r = NULL;
    char *text = NULL, *json = NULL;
    size_t json_len = 0;
    lc__arena a;
    lc__arena_init(&a, 16384);
    lc_status rc = lc_policy_load(c->policy, &pol, &d);
    if (rc == LC_OK) {
        lc_calibration cal = LC_CALIBRATION_INIT;
        cal.histories = (const char *const *)c->hist;
        cal.n_histories = c->n_hist;
        cal.has_until = c->has_until;
        cal.until_day = c->until;
        rc = lc_policy_calibrate(pol, &cal, &d);
    }
    if (rc == LC_OK && c->pf_path) {
        rc = lc_portfolio_load(pol, c->pf_path, &pf, &d);
    } else if (rc == LC_OK && c->pf_node) {
        size_t len = 0;
        if (!(text = inline_text(c, &len)))
            rc = LC_ENOMEM;
        else
            rc = lc_portfolio_load_buffer_as(pol, c->file, text, len, LC_INPUT_YAML, &pf, &d);
    }
    if (rc == LC_ENOMEM)
        goto done;
    if (c->expect_error) {
        lc__buf t = {0};
        diags_text(&d, &t);
        if (rc == LC_OK)
            mismatch(c, "expected a load error containing '%s', but everything loaded",
                     c->expect_error);
        else if (!t.p || !strstr(t.p, c->expect_error))
            mismatch(c, "expected a load error containing '%s', got: %s", c->expect_error,
                     t.p ? t.p : "(no message)");
        lc__buf_free(&t);
        rc = LC_OK;
        goto done;
    }
    if (rc != LC_OK) {
        lc__buf t = {0};
        diags_text(&d, &t);
        mismatch(c, "does not load: %s", t.p ? t.p : lc_strerror(rc));
        lc__buf_free(&t);
        rc = LC_OK;
        goto done;
    }
    if ((rc = lc_evaluate(pol, pf, &r)) != LC_OK) {
        if (rc != LC_ENOMEM) {
            mismatch(c, "evaluation failed: %s", lc_strerror(rc));
            rc = LC_OK;
        }
        goto done;
    }
    FILE *mem = open_memstream(&json, &json_len);
    if (!mem) {
        rc = LC_ENOMEM;
        goto done;
    }
    rc = lc_report_write(r, LC_FORMAT_JSON, mem);
    if (fclose(mem) != 0 && rc == LC_OK)
        rc = LC_ENOMEM;
    if (rc)
        goto done;
    lc__node *root = NULL;
    lc__reader *rd = NULL;
    if ((rc = lc__reader_open(&rd, "report", json, json_len, true, NULL)) == LC_OK)
        rc = lc__node_parse(rd, &a, &root);
    lc__reader_close(rd);
    if (rc)
        goto done;
    check_report(c, root);
done:
    free(json); /* open_memstream's buffer is the C library's */
    lc__free(text);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    lc__arena_free(&a);
    if (lc__buf_status(&c->why) == LC_ENOMEM)
        rc = LC_ENOMEM;
    return rc;
}

/* ==== Output ============================================================ */

static void json_str(FILE *out, const char *s)
{
    lc__gov_json_str(out, s);
}

static void xml_mem(FILE *out, const char *s, size_t len)
{
    for (const char *end = s + len; s && s < end; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputc('?', out); /* XML 1.0 has no other control characters */
            else
                fputc(*s, out);
        }
    }
}

static void xml_str(FILE *out, const char *s)
{
    xml_mem(out, s, s ? strlen(s) : 0);
}

static void write_text(const suite *s, FILE *out, bool verbose, size_t passed, size_t failed)
{
    for (size_t i = 0; i < s->n_cases; i++) {
        const tcase *c = &s->cases[i];
        if (!c->ran || (c->passed && !verbose))
            continue;
        fprintf(out, "%s:%u: %s: %s\n", c->file, c->line, c->passed ? "PASS" : "FAIL", c->name);
        for (const char *p = c->why.p; p && *p;) {
            size_t len = strcspn(p, "\n");
            fprintf(out, "    %.*s\n", (int)len, p);
            p += len + (p[len] == '\n');
        }
    }
    fprintf(out, "%zu passed, %zu failed\n", passed, failed);
}

static void write_json(const suite *s, FILE *out, size_t passed, size_t failed)
{
    fprintf(out, "{\"passed\":%zu,\"failed\":%zu,\"cases\":[", passed, failed);
    bool first = true;
    for (size_t i = 0; i < s->n_cases; i++) {
        const tcase *c = &s->cases[i];
        if (!c->ran)
            continue;
        fputs(first ? "\n{\"file\":" : ",\n{\"file\":", out);
        first = false;
        json_str(out, c->file);
        fprintf(out, ",\"line\":%u,\"name\":", c->line);
        json_str(out, c->name);
        fprintf(out, ",\"result\":\"%s\",\"mismatches\":[", c->passed ? "pass" : "fail");
        bool f2 = true;
        for (const char *p = c->why.p; p && *p;) {
            size_t len = strcspn(p, "\n");
            if (!f2)
                fputc(',', out);
            f2 = false;
            lc__gov_json_mem(out, p, len);
            p += len + (p[len] == '\n');
        }
        fputs("]}", out);
    }
    fputs(first ? "]}\n" : "\n]}\n", out);
}

static void write_junit(const suite *s, FILE *out, size_t passed, size_t failed)
{
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"levcal\" "
                 "tests=\"%zu\" failures=\"%zu\">\n",
            passed + failed, failed);
    for (size_t f = 0; f < s->n_files; f++) {
        size_t n = 0, nf = 0;
        for (size_t i = 0; i < s->n_cases; i++)
            if (s->cases[i].ran && strcmp(s->cases[i].file, s->files[f].path) == 0) {
                n++;
                nf += !s->cases[i].passed;
            }
        if (!n)
            continue;
        fputs("  <testsuite name=\"", out);
        xml_str(out, s->files[f].path);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", n, nf);
        for (size_t i = 0; i < s->n_cases; i++) {
            const tcase *c = &s->cases[i];
            if (!c->ran || strcmp(c->file, s->files[f].path) != 0)
                continue;
            fputs("    <testcase classname=\"", out);
            xml_str(out, c->file);
            fputs("\" name=\"", out);
            xml_str(out, c->name);
            fprintf(out, "\" file=\"");
            xml_str(out, c->file);
            fprintf(out, "\" line=\"%u\"", c->line);
            if (c->passed) {
                fputs("/>\n", out);
                continue;
            }
            fputs(">\n      <failure message=\"", out);
            if (c->why.p)
                xml_mem(out, c->why.p, strcspn(c->why.p, "\n"));
            else
                fputs("failed", out);
            fputs("\">", out);
            xml_str(out, c->why.p);
            fputs("</failure>\n    </testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
}

/* ==== Entry ============================================================= */

lc_status lc_test_run(const char *const *paths, size_t n, const lc_test_options *o, FILE *out,
                      size_t *ppassed, size_t *pfailed, lc_diags *d)
{
    if ((!paths && n) || !o || !out || !LC__SIZE_COVERS(o, lc_test_options, format))
        return LC_EINVAL;
    suite s;
    memset(&s, 0, sizeof s);
    s.d = d;
    regex_t re;
    bool have_re = false;
    lc_status rc = LC_OK;
    if (o->run) {
        int e = regcomp(&re, o->run, REG_EXTENDED | REG_NOSUB);
        if (e) {
            char msg[256];
            regerror(e, &re, msg, sizeof msg);
            lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_REQUEST, NULL, 0, 0,
                         "--run '%s' is not a regular expression: %s", o->run, msg);
            return LC_EINPUT;
        }
        have_re = true;
    }
    static const char *const here[] = {"."};
    if (n == 0) {
        paths = here;
        n = 1;
    }
    for (size_t i = 0; i < n && rc != LC_ENOMEM; i++) {
        lc_status r = collect(&s, paths[i], 0);
        if (r)
            rc = r;
    }
    for (size_t i = 0; i < s.n_files && rc != LC_ENOMEM; i++) {
        lc_status r = load_file(&s, &s.files[i]);
        if (r && rc == LC_OK)
            rc = r;
    }
    size_t passed = 0, failed = 0;
    if (rc == LC_OK) {
        for (size_t i = 0; i < s.n_cases && rc == LC_OK; i++) {
            tcase *c = &s.cases[i];
            if (have_re && regexec(&re, c->name ? c->name : "", 0, NULL, 0) != 0)
                continue;
            rc = run_case(c);
            if (c->passed)
                passed++;
            else
                failed++;
        }
    }
    if (rc == LC_OK) {
        if (o->format == LC_TEST_JSON)
            write_json(&s, out, passed, failed);
        else if (o->format == LC_TEST_JUNIT)
            write_junit(&s, out, passed, failed);
        else
            write_text(&s, out, o->verbose, passed, failed);
    }
    if (ppassed)
        *ppassed = passed;
    if (pfailed)
        *pfailed = failed;
    if (have_re)
        regfree(&re);
    for (size_t i = 0; i < s.n_cases; i++) {
        lc__free(s.cases[i].policy);
        lc__free(s.cases[i].pf_path);
        lc__buf_free(&s.cases[i].why);
    }
    for (size_t i = 0; i < s.n_files; i++) {
        lc__free(s.files[i].path);
        lc__free(s.files[i].buf);
        lc__arena_free(&s.files[i].arena);
    }
    lc__free(s.files);
    lc__free(s.cases);
    return rc;
}
