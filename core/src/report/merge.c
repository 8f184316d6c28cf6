/*
 * merge.c - levcal summary: the summary lines of NDJSON reports added up, so a book
 * evaluated in shards gives the totals of one run. Every report must have been made under
 * the same policy (its digest), and every one must have finished (its summary line).
 */
#include "base/prefix.h"

#include "report/report.h"
#include "syntax/node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const lc__node *get(const lc__node *m, const char *key)
{
    for (size_t i = 0; m && m->kind == LC__NODE_MAP && i + 1 < m->n; i += 2)
        if (m->kids[i]->kind == LC__NODE_SCALAR && strcmp(m->kids[i]->s, key) == 0)
            return m->kids[i + 1];
    return NULL;
}

/* A count of the summary: a whole number at least 0. */
static bool count(lc__ld *ld, const lc__node *sum, const char *key, size_t *out)
{
    const lc__node *v = get(sum, key);
    int64_t x;
    if (!v) {
        lc__ld_error(ld, LC_DIAG_MISSING, sum->line, sum->col, "the summary has no '%s'", key);
        return false;
    }
    if (!lc__node_integer(ld, v, &x))
        return false;
    if (x < 0) {
        lc__ld_error(ld, LC_DIAG_VALUE, v->line, v->col, "expected a count, got %s", v->s);
        return false;
    }
    *out += (size_t)x;
    return true;
}

typedef struct merged {
    lc_summary sum;
    char id[256], digest[72];
    long long version;
    const char *first;      /* the report that set the policy */
    size_t lines;
} merged;

/* One summary line "s" (line "line" of file "name"). */
static lc_status one(merged *m, lc__ld *ld, const char *s, size_t n, unsigned line)
{
    lc__arena a;
    lc__arena_init(&a, 4096);
    lc__reader *r = NULL;
    lc__node *root = NULL;
    lc_status rc = lc__reader_open(&r, ld->file, s, n, true, ld->diags);
    if (rc == LC_OK) {
        lc__reader_set_line(r, line);
        rc = lc__node_parse(r, &a, &root);
    }
    lc__reader_close(r);
    if (rc == LC_EINPUT)
        ld->n_errors++;
    const lc__node *sum = rc == LC_OK ? get(root, "summary") : NULL;
    const lc__node *pol = rc == LC_OK ? get(root, "policy") : NULL;
    if (rc == LC_OK && (!sum || !pol || sum->kind != LC__NODE_MAP)) {
        lc__ld_error(ld, LC_DIAG_MISSING, line, 1,
                     "expected a summary line {\"summary\": {...}, \"policy\": {...}}");
        rc = LC_EINPUT;
    }
    if (rc == LC_OK) {
        lc_summary s1 = LC_SUMMARY_INIT;
        bool ok = count(ld, sum, "accounts", &s1.accounts) &&
                  count(ld, sum, "positions", &s1.positions) &&
                  count(ld, sum, "script_errors", &s1.script_errors);
        for (int v = 0; ok && v < LC_N_VERDICTS; v++)
            ok = count(ld, sum, lc_verdict_name((lc_verdict)v), &s1.by_status[v]);
        const lc__node *id = get(pol, "id"), *dg = get(pol, "digest"), *ver = get(pol, "version");
        int64_t version = 0;
        ok = ok && id && dg && ver && id->kind == LC__NODE_SCALAR && dg->kind == LC__NODE_SCALAR &&
             lc__node_integer(ld, ver, &version);
        if (ok && !m->first) {
            snprintf(m->id, sizeof m->id, "%s", id->s);
            snprintf(m->digest, sizeof m->digest, "%s", dg->s);
            m->version = version;
            m->first = ld->file;
        } else if (ok && strcmp(m->digest, dg->s) != 0) {
            lc__ld_error(ld, LC_DIAG_TRUST, dg->line, dg->col,
                         "made under policy %s, not %s as %s was: the totals of different "
                         "policies do not add up", dg->s, m->digest, m->first);
            ok = false;
        }
        if (!ok && !ld->n_errors)
            lc__ld_error(ld, LC_DIAG_MISSING, pol->line, pol->col,
                         "expected the policy's id, version and digest");
        if (ok) {
            lc__summary_merge(&m->sum, &s1);
            m->lines++;
        } else {
            rc = LC_EINPUT;
        }
    }
    lc__arena_free(&a);
    return rc;
}

lc_status lc_summary_merge(const char *const *paths, size_t n, FILE *out, lc_summary *summary,
                           lc_diags *diags)
{
    if ((!paths && n) || !out || (summary && !LC__SIZE_COVERS(summary, lc_summary, first_script_error)))
        return LC_EINVAL;
    merged m;
    memset(&m, 0, sizeof m);
    m.sum = (lc_summary)LC_SUMMARY_INIT;
    lc_status rc = LC_OK;
    char *line = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < n && rc == LC_OK; i++) {
        bool in_stdin = strcmp(paths[i], "-") == 0;
        FILE *f = in_stdin ? stdin : fopen(paths[i], "r");
        lc__ld ld = {paths[i], diags, 0, false};
        if (!f) {
            lc__diag_add(diags, LC_SEV_ERROR, LC_DIAG_FILE, paths[i], 0, 0, "cannot open");
            rc = LC_EIO;
            break;
        }
        /* Account lines are passed over; every summary line counts (a sharded run piped
         * through one file has one per shard), and a report must end with one. */
        size_t before = m.lines;
        bool last_is_summary = false;
        unsigned lineno = 0;
        ssize_t len;
        while (rc == LC_OK && (len = getline(&line, &cap, f)) >= 0) {
            lineno++;
            last_is_summary = strncmp(line, "{\"summary\":", 11) == 0;
            if (last_is_summary)
                rc = one(&m, &ld, line, (size_t)len, lineno);
        }
        if (rc == LC_OK && ferror(f)) {
            lc__diag_add(diags, LC_SEV_ERROR, LC_DIAG_FILE, paths[i], 0, 0, "cannot read");
            rc = LC_EIO;
        }
        if (rc == LC_OK && (m.lines == before || !last_is_summary)) {
            lc__diag_add(diags, LC_SEV_ERROR, LC_DIAG_MISSING, paths[i], lineno, 0,
                         "the report does not end with its summary line: the run that wrote "
                         "it did not finish");
            rc = LC_EINPUT;
        }
        if (ld.oom)
            rc = LC_ENOMEM;
        if (!in_stdin)
            fclose(f);
    }
    free(line);
    if (rc == LC_OK && !m.lines) {
        lc__diag_add(diags, LC_SEV_ERROR, LC_DIAG_MISSING, NULL, 0, 0, "no report to merge");
        rc = LC_EINPUT;
    }
    if (rc == LC_OK) {
        lc__out o;
        if (lc__out_init(&o, out))
            return LC_ENOMEM;
        lc_policy pol;
        memset(&pol, 0, sizeof pol);
        pol.id = m.id;
        pol.version = m.version;
        snprintf(pol.digest, sizeof pol.digest, "%s", m.digest);
        lc__ndjson_summary_line(&o, &pol, &m.sum);
        rc = lc__out_finish(&o);
        lc__summary_copy(summary, &m.sum);
    }
    return rc;
}
