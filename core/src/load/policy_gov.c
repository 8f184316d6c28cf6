/*
 * policy_gov.c - what governance reads from a policy: approvals, lint settings, the
 * files it references, and its digest.
 *
 * The digest is SHA-256 over the RFC 8785 text of the document's data, without
 * 'policy.approvals' (approving must not change what is approved) and without
 * 'maintenance_amount' (derived and checked), plus "$files": the SHA-256 of each
 * referenced script or plugin, keyed by its path as written. docs/governance.md has it.
 */
#include "base/prefix.h"

#include "load/load.h"
#include "syntax/canon.h"

#include <stdlib.h>
#include <string.h>

/* ==== Approvals ========================================================= */

enum { A_BY, A_AT, A_DIGEST, A_NKEYS };
static const lc__key approval_keys[A_NKEYS] = {{"by", true}, {"at", true}, {"digest", true}};

static bool is_digest(const char *s)
{
    if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
        return false;
    for (s += 7; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

lc_status lc__load_approvals(lc__ld *ld, lc_policy *p, const lc__node *seq)
{
    if (!lc__node_expect(ld, seq, LC__NODE_SEQ))
        return LC_OK;
    p->approvals = lc__arena_alloc(&p->arena, (seq->n + 1) * sizeof(*p->approvals));
    if (!p->approvals)
        return LC_ENOMEM;
    for (size_t i = 0; i < seq->n; i++) {
        const lc__node *v[A_NKEYS];
        const lc__node *e = seq->kids[i];
        if (!lc__node_map(ld, e, approval_keys, A_NKEYS, v, "an approval"))
            continue;
        lc__approval a = {NULL, NULL, NULL, e->line, e->col};
        if (v[A_BY] && lc__node_string(ld, v[A_BY], &a.by) && !a.by[0])
            lc__ld_error(ld, LC_DIAG_VALUE, v[A_BY]->line, v[A_BY]->col,
                         "expected who approved, got an empty string");
        double t;
        if (v[A_AT] && lc__node_string(ld, v[A_AT], &a.at) &&
            !lc__parse_time(a.at, strlen(a.at), &t))
            lc__ld_error(ld, LC_DIAG_VALUE, v[A_AT]->line, v[A_AT]->col,
                         "expected the approval's date as YYYY-MM-DD (or a time), got '%s'", a.at);
        if (v[A_DIGEST] && lc__node_string(ld, v[A_DIGEST], &a.digest) && !is_digest(a.digest))
            lc__ld_error(ld, LC_DIAG_VALUE, v[A_DIGEST]->line, v[A_DIGEST]->col,
                         "expected a digest as sha256:<64 lowercase hex digits> (see 'levcal "
                         "digest'), got '%s'", a.digest);
        if (a.by && a.at && a.digest)
            p->approvals[p->n_approvals++] = a;
    }
    return LC_OK;
}

/* ==== Lint settings ===================================================== */

enum { LI_DISABLE, LI_NKEYS };
static const lc__key lint_keys[LI_NKEYS] = {{"disable", false}};

void lc__load_lint(lc__ld *ld, lc_policy *p, const lc__node *m)
{
    const lc__node *v[LI_NKEYS];
    if (!lc__node_map(ld, m, lint_keys, LI_NKEYS, v, "the 'lint' section"))
        return;
    const lc__node *d = v[LI_DISABLE];
    if (!d || !lc__node_expect(ld, d, LC__NODE_SEQ))
        return;
    p->lint_off = lc__arena_alloc(&p->arena, (d->n + 1) * sizeof(*p->lint_off));
    if (!p->lint_off) {
        ld->oom = true;
        return;
    }
    for (size_t i = 0; i < d->n; i++) {
        const char *rule;
        if (lc__node_string(ld, d->kids[i], &rule))
            p->lint_off[p->n_lint_off++] = (lc__lint_off){rule, d->kids[i]->line, d->kids[i]->col};
    }
}

/* ==== Referenced files and the digest =================================== */

lc_status lc__policy_add_file(lc_policy *p, const char *written, const char *sha256)
{
    for (size_t i = 0; i < p->n_files; i++)
        if (strcmp(p->files[i].written, written) == 0)
            return LC_OK;
    if (p->n_files == p->cap_files) {
        size_t cap = p->cap_files ? 2 * p->cap_files : 4;
        lc__file_ref *f = lc__arena_alloc(&p->arena, cap * sizeof(*f));
        if (!f)
            return LC_ENOMEM;
        if (p->n_files)
            memcpy(f, p->files, p->n_files * sizeof(*f));
        p->files = f;
        p->cap_files = cap;
    }
    lc__file_ref *f = &p->files[p->n_files];
    f->written = lc__arena_strndup(&p->arena, written, strlen(written));
    if (!f->written)
        return LC_ENOMEM;
    memcpy(f->sha256, sha256, LC__SHA256_HEX);
    p->n_files++;
    return LC_OK;
}

static bool key_is(const char *k, const char *want)
{
    return k && strcmp(k, want) == 0;
}

/* Leaves out policy.approvals and markets.*.tiers[*].maintenance_amount where it is
 * derived (notional tiers): a quantity-keyed tier's amount is taken as written, so it is
 * part of the meaning. */
static bool skip(void *ctx, const char *const *path, size_t depth)
{
    const lc_policy *p = ctx;
    if (depth == 2)
        return key_is(path[0], "policy") && key_is(path[1], "approvals");
    if (depth == 5 && key_is(path[0], "markets") && key_is(path[2], "tiers") && !path[3] &&
        key_is(path[4], "maintenance_amount")) {
        long m = path[1] ? lc__policy_find(p, path[1], strlen(path[1])) : -1;
        return m < 0 || p->markets[m].basis != LC__BASIS_QUANTITY;
    }
    return false;
}

static int ref_cmp(const void *a, const void *b)
{
    return lc__utf16_cmp(((const lc__file_ref *const *)a)[0]->written,
                         ((const lc__file_ref *const *)b)[0]->written);
}

/* A policy's canonical JSON is small; one this big can only come from aliases. */
#define CANON_LIMIT ((size_t)64 << 20)

lc_status lc__policy_digest(lc__ld *ld, lc_policy *p, const lc__node *root)
{
    lc__buf files, canon;
    lc__buf_init(&files, 0);
    lc__buf_init(&canon, CANON_LIMIT);
    lc_status rc = LC_ENOMEM;
    const lc__file_ref **order = lc__malloc((p->n_files + 1) * sizeof(*order));
    if (!order)
        goto done;
    for (size_t i = 0; i < p->n_files; i++)
        order[i] = &p->files[i];
    qsort(order, p->n_files, sizeof(*order), ref_cmp);
    lc__buf_char(&files, '{');
    for (size_t i = 0; i < p->n_files; i++) {
        if (i)
            lc__buf_char(&files, ',');
        lc__jcs_string(&files, order[i]->written, strlen(order[i]->written));
        lc__buf_char(&files, ':');
        lc__jcs_string(&files, order[i]->sha256, 64);
    }
    lc__buf_char(&files, '}');
    if ((rc = lc__buf_status(&files)) != LC_OK)
        goto done;
    rc = lc__jcs_write(root, skip, p, "$files", files.p, &canon, ld->file, ld->diags);
    if (rc == LC_EINPUT)
        ld->n_errors++;
    if (rc)
        goto done;
    memcpy(p->digest, "sha256:", 7);
    lc__sha256_hex(canon.p, canon.len, p->digest + 7);
    rc = LC_ENOMEM;
    if (!(p->canon = lc__arena_strndup(&p->arena, canon.p, canon.len)))
        goto done;
    p->canon_len = canon.len;
    rc = LC_OK;
done:
    lc__free(order);
    lc__buf_free(&files);
    lc__buf_free(&canon);
    return rc == LC_EINPUT ? LC_OK : rc;
}
