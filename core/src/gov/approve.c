/*
 * approve.c - `levcal approve`: adds an approval of the current digest to a policy file.
 *
 * The file is edited as text, one line inserted (or one flow list extended), so that its
 * comments and layout stay as their authors left them; approvals are outside the digest,
 * so approving never changes what is approved. The result is loaded again and checked
 * before it is handed back.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "model/policy.h"
#include "syntax/comments.h"

#include <string.h>

/* Where a line can be inserted after block node "n": the start of the line after its
 * last line of content (blank and comment-only lines before the next token are not its). */
static size_t after_block(const char *buf, size_t len, const lc__node *n)
{
    size_t e = lc__text_offset(buf, len, n->end_line, n->end_col);
    if (e >= len)
        return len; /* the node runs to the end of the file */
    /* Back to the start of the line the end mark is on... */
    while (e > 0 && buf[e - 1] != '\n')
        e--;
    /* ...then up over blank and comment-only lines. */
    while (e > 0) {
        size_t ls = e - 1; /* buf[e - 1] ends the line above */
        while (ls > 0 && buf[ls - 1] != '\n')
            ls--;
        size_t i = ls;
        while (i < e - 1 && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'))
            i++;
        if (i < e - 1 && buf[i] != '#')
            break;
        e = ls;
    }
    return e;
}

static void entry(lc__buf *o, const char *by, const char *at, const char *digest)
{
    lc__buf_str(o, "{by: ");
    lc__fmt_string(o, by, strlen(by), true);
    lc__buf_str(o, ", at: ");
    lc__fmt_string(o, at, strlen(at), true);
    lc__buf_str(o, ", digest: ");
    lc__fmt_string(o, digest, strlen(digest), true);
    lc__buf_char(o, '}');
}

static lc_status refuse(lc_diags *d, const char *name, const lc__node *at, const char *msg)
{
    lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, name, at ? at->line : 1, at ? at->col : 1, "%s",
                 msg);
    return LC_EINPUT;
}

lc_status lc_policy_approve(const char *name, const char *buf, size_t len, const char *by,
                            const char *at, char **pout, size_t *pout_len, lc_diags *d)
{
    if (!name || !buf || !by || !at || !pout)
        return LC_EINVAL;
    *pout = NULL;
    double t;
    if (!*by || !lc__parse_time(at, strlen(at), &t)) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_VALUE, NULL, 0, 0,
                     !*by ? "expected who approves, got an empty name"
                          : "expected the approval's date as YYYY-MM-DD (or a time), got '%s'",
                     at);
        return LC_EINPUT;
    }
    lc_policy *p = NULL;
    lc_status rc = lc_policy_load_buffer(name, buf, len, &p, d);
    if (rc)
        return rc;
    lc__arena a;
    lc__arena_init(&a, 16384);
    lc__buf out = {0}, e = {0};
    lc__node *root = NULL;
    if ((rc = lc__gov_parse(name, buf, len, &a, &root, d)) != LC_OK)
        goto done;
    entry(&e, by, at, p->digest);
    if ((rc = lc__buf_status(&e)) != LC_OK)
        goto done;
    const lc__node *kpol = NULL, *kapp = NULL;
    const lc__node *pol = lc__gov_get(root, "policy", &kpol);
    const lc__node *app = lc__gov_get(pol, "approvals", &kapp);
    if (pol->flow || pol->n == 0) {
        rc = refuse(d, name, kpol, "'policy' is written in flow style ({...}); run 'levcal fmt "
                                   "-w' first, which writes it as a block");
        goto done;
    }
    if (!app) {
        size_t at_off = after_block(buf, len, pol);
        unsigned ind = pol->kids[0]->col - 1;
        lc__buf_mem(&out, buf, at_off);
        if (at_off && buf[at_off - 1] != '\n')
            lc__buf_char(&out, '\n');
        lc__buf_fill(&out, ' ', ind);
        lc__buf_str(&out, "approvals:\n");
        lc__buf_fill(&out, ' ', ind + 2);
        lc__buf_str(&out, "- ");
        lc__buf_mem(&out, e.p, e.len);
        lc__buf_char(&out, '\n');
        lc__buf_mem(&out, buf + at_off, len - at_off);
    } else if (app->kind == LC__NODE_SEQ && app->flow) {
        /* [..] gets one more item before its closing bracket. */
        size_t close = lc__text_offset(buf, len, app->end_line, app->end_col) - 1;
        lc__buf_mem(&out, buf, close);
        if (app->n)
            lc__buf_str(&out, ", ");
        lc__buf_mem(&out, e.p, e.len);
        lc__buf_mem(&out, buf + close, len - close);
    } else if (app->kind == LC__NODE_SEQ && app->n) {
        size_t at_off = after_block(buf, len, app);
        lc__buf_mem(&out, buf, at_off);
        if (at_off && buf[at_off - 1] != '\n')
            lc__buf_char(&out, '\n');
        lc__buf_fill(&out, ' ', app->kids[0]->col - 3);
        lc__buf_str(&out, "- ");
        lc__buf_mem(&out, e.p, e.len);
        lc__buf_char(&out, '\n');
        lc__buf_mem(&out, buf + at_off, len - at_off);
    } else {
        rc = refuse(d, name, kapp, "expected 'approvals' as a sequence");
        goto done;
    }
    if ((rc = lc__buf_status(&out)) != LC_OK)
        goto done;

    /* The edit must load, keep the digest, and carry the approval. */
    lc_policy *q = NULL;
    lc_diags tmp;
    lc_diags_init(&tmp);
    rc = lc_policy_load_buffer(name, out.p, out.len, &q, &tmp);
    bool same = rc == LC_OK && strcmp(q->digest, p->digest) == 0 && q->n_approvals &&
                strcmp(q->approvals[q->n_approvals - 1].digest, p->digest) == 0;
    lc_policy_free(q);
    lc_diags_free(&tmp);
    if (rc == LC_ENOMEM)
        goto done;
    if (!same) {
        rc = refuse(d, name, kapp ? kapp : kpol,
                    "cannot add the approval to this layout without changing the policy; run "
                    "'levcal fmt -w' first");
        goto done;
    }
    *pout = out.p;
    if (pout_len)
        *pout_len = out.len;
    out.p = NULL;
    rc = LC_OK;
done:
    lc__buf_free(&out);
    lc__buf_free(&e);
    lc__arena_free(&a);
    lc_policy_free(p);
    return rc;
}
