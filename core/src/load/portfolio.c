/*
 * portfolio.c - reading a portfolio (accounts, positions) from YAML or JSON, whole or as a
 * run of an NDJSON stream's lines.
 *
 * The document is streamed, not built as a tree: a book of a million positions is read
 * straight into flat arrays, with every value checked and every problem located. Errors
 * do not stop the scan, but a portfolio with any error is refused whole.
 */
#include "base/prefix.h"

#include "load/load.h"
#include "load/pscan.h"

#include <math.h>
#include <string.h>
#include <pthread.h>

static void load_accounts(pload *s, const lc__event *start)
{
    if (start->type != LC__EV_SEQ) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col, "expected 'accounts' to be a list, got %s",
                     lc__ps_ev_kind(start));
        lc__ps_skip(s, start);
        return;
    }
    /* A large document's later accounts may be read by other threads meanwhile; this
     * reader takes their parts in where its own part ends, or reads on itself. */
    lc__ps_par *par = s->mode == SCAN_DOC && s->threads > 1 ? lc__ps_par_start(s) : NULL;
    lc__event item;
    while (!lc__ps_stop(s)) {
        if (par && lc__reader_next_item(s->r) == lc__ps_par_split(par)) {
            lc__ps_par_join(s, par);
            lc__ps_par_free(par);
            par = NULL;
        }
        if (!lc__ps_next(s, &item) || item.type == LC__EV_SEQ_END)
            break;
        lc__ps_load_account(s, &item);
        lc__ps_hand_back(s);
    }
    lc__ps_par_free(par);
}

/* ==== Document ========================================================== */

enum { D_MARKS, D_ACCOUNTS, D_AS_OF, D_OI, D_NKEYS };
static const lc__key doc_keys[D_NKEYS] = {
    {"marks", true}, {"accounts", true}, {"as_of", false}, {"open_interest", false}};

static void load_doc(pload *s)
{
    lc__event ev;
    if (!lc__ps_next(s, &ev))
        return;
    if (s->mode == SCAN_ACCOUNTS) {
        load_accounts(s, &ev);
        return;
    }
    if (s->mode == SCAN_HEAD) {
        lc__ps_load_head(s, &ev);
        return;
    }
    if (ev.type == LC__EV_END) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, 1, 1, "expected a portfolio (a mapping with 'marks' and "
                                   "'accounts'), got an empty document");
        return;
    }
    if (ev.type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, ev.line, ev.col,
                     "expected a portfolio (a mapping with 'marks' and 'accounts'), got %s",
                     lc__ps_ev_kind(&ev));
        return;
    }
    unsigned line = ev.line, col = ev.col, seen = 0;
    lc__event k, v;
    int key;
    while ((key = lc__ps_next_key(s, &k, doc_keys, D_NKEYS, &seen)) != -1) {
        if (key < 0 || !lc__ps_next(s, &v))
            continue;
        if (v.type == LC__EV_ALIAS) {
            lc__ld_error(&s->ld, LC_DIAG_SYNTAX, v.line, v.col, "aliases are not supported in portfolios");
            continue;
        }
        if (key == D_MARKS) {
            lc__ps_load_marks(s, &v);
        } else if (key == D_ACCOUNTS) {
            load_accounts(s, &v);
        } else if (key == D_OI) {
            lc__ps_load_open_interest(s, &v);
        } else if (lc__ps_string(s, &v) && !lc__parse_time(v.s, v.len, &s->pf->as_of)) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v.line, v.col,
                         "expected 'as_of' as a date (YYYY-MM-DD) or time "
                         "(YYYY-MM-DDTHH:MM:SSZ), got '%.*s'",
                         (int)(v.len > 40 ? 40 : v.len), v.s);
        }
    }
    if (lc__ps_stop(s))
        return;
    lc__ps_missing_keys(s, doc_keys, D_NKEYS, seen, line, col, "the portfolio");
    if (lc__ps_next(s, &ev) && ev.type != LC__EV_END)
        lc__ld_error(&s->ld, LC_DIAG_VALUE, ev.line, ev.col, "expected the end of the portfolio");
}

static void check_marks(pload *s)
{
    for (size_t m = 0; m < s->pol->n_markets; m++)
        if (s->use_line[m] && isnan(s->pf->marks[m]) && !s->mark_line[m])
            lc__ld_error(&s->ld, LC_DIAG_REFERENCE, s->use_line[m], s->use_col[m],
                         "no mark price for market '%s'; expected it under 'marks'",
                         s->pol->markets[m].name);
    /* A market that scales its margin by open interest cannot be judged without it. */
    for (size_t m = 0; m < s->pol->n_markets; m++) {
        const lc__margin *g = s->pol->markets[m].margin;
        if (s->use_line[m] && g && g->scheme == LC__SCHEME_OI && g->oi_upper > 0 &&
            (!s->pf->oi || isnan(s->pf->oi[m])))
            lc__ld_error(&s->ld, LC_DIAG_REFERENCE, s->use_line[m], s->use_col[m],
                         "no open interest for market '%s', whose margin scales with it "
                         "(scheme open_interest); expected it under 'open_interest'",
                         s->pol->markets[m].name);
    }
}

/* Every figure the evaluation derives from the inputs must be a finite double: a
 * product or sum that overflows would print as null, which the report reserves for
 * "does not exist". Such a portfolio is refused where the overflow starts. */
static void check_finite(pload *s)
{
    const lc_portfolio *pf = s->pf;
    /* Nothing can overflow where a bound on every figure does not: a position's notional,
     * PnL and isolated equity, an account's sums over all the book's positions at most.
     * The largest values were kept while reading, so most books need no pass here. */
    double top_mark = 0;
    for (size_t m = 0; m < s->pol->n_markets; m++)
        if (fabs(pf->marks[m]) > top_mark) /* false for NaN: no mark */
            top_mark = fabs(pf->marks[m]);
    double bound = s->max_collateral + s->max_iso +
                   (double)pf->n_pos * s->max_qty * (top_mark + s->max_entry);
    if (bound < 1e300)
        return;
    char a[40], b[40], c[40];
    for (size_t i = 0; i < pf->n_accts; i++) {
        const lc__acct *ac = &pf->accts[i];
        double notional = 0, upnl = 0;
        for (size_t k = 0; k < ac->n; k++) {
            const lc__pos *p = &pf->pos[ac->first + k];
            double mark = pf->marks[p->market];
            double q = fabs(p->qty);
            double pu = p->qty * (mark - p->entry);
            if (!isfinite(q * mark) || !isfinite(q * p->entry) || !isfinite(pu)) {
                lc__ld_error(&s->ld, LC_DIAG_OVERFLOW, p->line, 1,
                             "qty %s at mark %s or entry %s is too large: its notional or PnL "
                             "overflows", lc__numstr(p->qty, a), lc__numstr(mark, b),
                             lc__numstr(p->entry, c));
                return;
            }
            if (!isnan(p->iso_margin) && !isfinite(p->iso_margin + pu)) {
                lc__ld_error(&s->ld, LC_DIAG_OVERFLOW, p->line, 1, "isolated margin plus PnL overflows");
                return;
            }
            if (isnan(p->iso_margin)) {
                notional += q * mark;
                upnl += pu;
            }
            if (!isfinite(notional) || !isfinite(ac->collateral + upnl)) {
                lc__ld_error(&s->ld, LC_DIAG_OVERFLOW, p->line, 1,
                             "account '%s' is too large: its notional or equity overflows here",
                             ac->id);
                return;
            }
        }
    }
}

/* ==== Entry points ====================================================== */

static lc_status scan(const lc_policy *pol, const char *name, const char *buf, size_t len,
                      bool json, lc_portfolio **pp, lc_diags *diags, int mode,
                      const lc_portfolio *head, unsigned first_line, unsigned threads,
                      lc__behind *behind)
{
    size_t nm = pol->n_markets;
    pload s;
    lc_status rc = lc__ps_setup(&s, pol, name, diags, mode);
    lc_portfolio *pf = s.pf;
    s.head = head;
    s.end = buf + len;
    s.threads = json ? threads : 1;
    s.behind = json ? behind : NULL;
    s.behind_from = buf;
    if (rc != LC_OK)
        goto out;
    rc = LC_ENOMEM;
    if (head) {
        /* A run of a stream's accounts: they read the stream's first line. */
        memcpy(pf->marks, head->marks, nm * sizeof(double));
        if (head->oi) {
            if (!(pf->oi = lc__malloc((nm ? nm : 1) * sizeof(double))))
                goto out;
            memcpy(pf->oi, head->oi, nm * sizeof(double));
        }
        pf->as_of = head->as_of;
    }
    if ((rc = lc__reader_open(&s.r, name, buf, len, json, diags)) != LC_OK)
        goto out;
    if (first_line > 1)
        lc__reader_set_line(s.r, first_line);
    load_doc(&s);
    lc__reader_close(s.r);
    s.r = NULL;
    if (s.rc == LC_OK && s.ld.n_errors < MAX_ERRORS)
        check_marks(&s);
    if (s.rc == LC_OK && s.ld.n_errors == 0)
        check_finite(&s);
    if (s.ld.oom)
        s.rc = LC_ENOMEM;
    if (s.rc == LC_OK && s.ld.n_errors >= MAX_ERRORS)
        lc__diag_add(diags, LC_SEV_NOTE, LC_DIAG_LIMIT, name, 0, 0, "stopped after %d errors", MAX_ERRORS);
    rc = s.rc ? s.rc : s.ld.n_errors ? LC_EINPUT : LC_OK;
out:
    lc__ps_release(&s);
    if (rc == LC_OK)
        *pp = pf;
    else
        lc_portfolio_free(pf);
    return rc;
}

/* The syntax a portfolio is read in: as asked; else by the name's extension (.json, or
 * .yaml/.yml); else JSON when the text opens with '{' or '['. There is no second try in
 * the other syntax: strict JSON stays strict, and a document refused at a limit is not
 * parsed again. */
static bool read_as_json(const char *name, const char *buf, size_t len, lc_input_format fmt)
{
    if (fmt == LC_INPUT_JSON || fmt == LC_INPUT_YAML)
        return fmt == LC_INPUT_JSON;
    const char *dot = strrchr(name, '.');
    if (dot && strchr(dot, '/') == NULL) {
        if (strcmp(dot, ".json") == 0)
            return true;
        if (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)
            return false;
    }
    return lc__looks_like_json(buf, len);
}

#define HASH_THREAD_BYTES ((size_t)4 << 20)

typedef struct hash_job {
    const char *buf;
    size_t len;
    lc__behind *behind;
    char hex[LC__SHA256_HEX];
} hash_job;

static void *hash_run(void *arg)
{
    hash_job *j = arg;
    lc__sha256_hex_behind(j->buf, j->len, j->hex, j->behind);
    return NULL;
}

/* "behind": the text is lc__file's map, whose read pages may go back as it is read. */
static lc_status load_buffer(const lc_policy *pol, const char *name, const char *buf,
                             size_t len, lc_input_format fmt, unsigned threads,
                             lc_portfolio **pp, lc_diags *diags, lc__behind *behind)
{
    if (!pp || !pol || !name || (!buf && len))
        return LC_EINVAL;
    *pp = NULL;
    if (!buf)
        buf = "";
    bool json = read_as_json(name, buf, len, fmt);
    unsigned before = diags ? diags->n_errors : 0;
    /* The provenance's hash of the bytes, for a large book on a thread of its own while
     * the text is parsed (it needs only the bytes; the result waits for both), unless
     * the caller keeps everything on its own thread. */
    hash_job job = {buf, len, behind, ""};
    pthread_t t;
    bool threaded = threads >= 1 && len >= HASH_THREAD_BYTES &&
                    pthread_create(&t, NULL, hash_run, &job) == 0;
    /* Pages go back only behind a hash that runs beside the reading; the hash after it
     * reads them all. */
    lc_status rc = scan(pol, name, buf, len, json, pp, diags, SCAN_DOC, NULL, 1, threads,
                        threaded ? behind : NULL);
    if (threaded)
        pthread_join(t, NULL);
    if (rc == LC_OK) {
        /* For the report's provenance: which bytes it was computed from. */
        lc_portfolio *pf = *pp;
        if (threaded)
            memcpy(pf->sha256, job.hex, sizeof pf->sha256);
        else
            lc__sha256_hex(buf, len, pf->sha256);
        if (!(pf->path = lc__arena_strndup(&pf->arena, name, strlen(name)))) {
            lc_portfolio_free(pf);
            *pp = NULL;
            rc = LC_ENOMEM;
        }
    }
    /* Say why a '{' document met the JSON parser: it may be meant as YAML flow style. */
    if (rc == LC_EINPUT && json && fmt == LC_INPUT_AUTO && diags && diags->n_errors > before &&
        !(strrchr(name, '.') && strcmp(strrchr(name, '.'), ".json") == 0)) {
        size_t i = 0;
        while (i < len && strchr(" \t\r\n", buf[i]))
            i++;
        for (lc_diag *r = diags->head; r; r = r->next) {
            if (r->code == LC_DIAG_SYNTAX && r->severity == LC_SEV_ERROR) {
                lc__diag_add(diags, LC_SEV_NOTE, LC_DIAG_SYNTAX, name, 0, 0,
                             "read as JSON because it starts with '%c'; YAML flow style needs a "
                             ".yaml name or the YAML input format",
                             i < len ? buf[i] : '{');
                break;
            }
        }
    }
    return rc;
}

lc_status lc_portfolio_load_buffer_threads(const lc_policy *pol, const char *name,
                                           const char *buf, size_t len, lc_input_format fmt,
                                           unsigned threads, lc_portfolio **pp, lc_diags *diags)
{
    /* The caller's memory: never handed back. */
    return load_buffer(pol, name, buf, len, fmt, threads, pp, diags, NULL);
}

lc_status lc_portfolio_load_buffer_as(const lc_policy *pol, const char *name, const char *buf,
                                      size_t len, lc_input_format fmt, lc_portfolio **pp,
                                      lc_diags *diags)
{
    return lc_portfolio_load_buffer_threads(pol, name, buf, len, fmt, 1, pp, diags);
}

lc_status lc_portfolio_load_buffer(const lc_policy *pol, const char *name, const char *buf,
                                   size_t len, lc_portfolio **pp, lc_diags *diags)
{
    return lc_portfolio_load_buffer_as(pol, name, buf, len, LC_INPUT_AUTO, pp, diags);
}

lc_status lc_portfolio_load_threads(const lc_policy *pol, const char *path, lc_input_format fmt,
                                    unsigned threads, lc_portfolio **pp, lc_diags *diags)
{
    if (!pp || !pol || !path)
        return LC_EINVAL;
    *pp = NULL;
    lc__file f;
    lc_status rc = lc__file_open(&f, path, diags);
    if (rc)
        return rc;
    lc__behind behind = {f.map ? f.data : NULL, 0};
    rc = load_buffer(pol, strcmp(path, "-") == 0 ? "<stdin>" : path, f.data, f.len, fmt,
                     threads, pp, diags, &behind);
    lc__file_close(&f);
    return rc;
}

lc_status lc_portfolio_load_as(const lc_policy *pol, const char *path, lc_input_format fmt,
                               lc_portfolio **pp, lc_diags *diags)
{
    return lc_portfolio_load_threads(pol, path, fmt, 1, pp, diags);
}

lc_status lc_portfolio_load(const lc_policy *pol, const char *path, lc_portfolio **pp,
                            lc_diags *diags)
{
    return lc_portfolio_load_as(pol, path, LC_INPUT_AUTO, pp, diags);
}

size_t lc_portfolio_account_count(const lc_portfolio *pf)
{
    return pf->n_accts;
}

size_t lc_portfolio_position_count(const lc_portfolio *pf)
{
    return pf->n_pos;
}

lc_status lc__portfolio_load_head(const lc_policy *pol, const char *name, const char *buf,
                                  size_t len, bool json, lc_portfolio **pp, lc_diags *diags)
{
    *pp = NULL;
    return scan(pol, name, buf ? buf : "", len, json, pp, diags, SCAN_HEAD, NULL, 1, 1, NULL);
}

lc_status lc__portfolio_load_chunk(const lc_policy *pol, const char *name, const char *buf,
                                   size_t len, unsigned first_line, const lc_portfolio *head,
                                   lc_portfolio **pp, lc_diags *diags)
{
    *pp = NULL;
    return scan(pol, name, buf, len, true, pp, diags, SCAN_ACCOUNTS, head, first_line, 1, NULL);
}
