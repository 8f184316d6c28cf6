/*
 * source.c - where report writers get their accounts: a materialised report, or an
 * evaluation done on the fly account by account; which accounts are written and in what
 * order; and the summary counted on the way.
 *
 * Both sources feed the same writers, so a streamed report is byte for byte the report
 * of lc_evaluate followed by lc_report_write.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "model/portfolio.h"
#include "report/report.h"
#include "script/script.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Report sources ==================================================== */

static const lc_account_result *from_report(lc__source *src, size_t i,
                                            const lc_position_result **ppos)
{
    const lc_account_result *a = &src->report->acc[src->order ? src->order[i] : i];
    *ppos = src->report->pos + a->first_position;
    return a;
}

static const lc_account_result *on_the_fly(lc__source *src, size_t i,
                                           const lc_position_result **ppos)
{
    /* Scripts' strings live as long as the account is being written. */
    lc__arena_reset(&src->scratch_strings);
    lc_status rc = lc__eval_account_in(src->pol, src->lua ? src->lua : src->pol->lua, src->pf,
                                       src->first + i, &src->scratch_acc, src->scratch_pos,
                                    &src->scratch_strings);
    if (rc) {
        src->failed = rc;
        return NULL;
    }
    *ppos = src->scratch_pos;
    return &src->scratch_acc;
}

static lc__source source(const lc_policy *pol, size_t n_acc, size_t n_pos,
                         const lc_account_result *(*get)(lc__source *, size_t,
                                                         const lc_position_result **),
                         const lc_write_options *opts)
{
    lc__source src = {0};
    src.pol = pol;
    src.n_acc = n_acc;
    src.n_pos = n_pos;
    src.get = get;
    src.opts = opts;
    return src;
}

static lc_status write_source(lc__source *src, lc_format fmt, FILE *out)
{
    if (fmt == LC_FORMAT_NDJSON || fmt == LC__FORMAT_NDJSON_LINES)
        return lc__report_write_ndjson(src, out, fmt == LC_FORMAT_NDJSON);
    return fmt == LC_FORMAT_TABLE ? lc__report_write_table(src, out)
                                  : lc__report_write_json(src, out);
}

/* The sort key: higher is written first; no equity ranks above any figure. */
static double sort_key(const lc_account_result *a, lc_sort s)
{
    double v = s == LC_SORT_MARGIN_RATIO ? a->margin_ratio
               : s == LC_SORT_LEVERAGE   ? a->leverage
                                         : a->notional;
    return isnan(v) ? (double)INFINITY : v;
}

static const lc_report *sorting; /* qsort has no context argument in C11 */
static lc_sort sorting_by;

static int by_key(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    double a = sort_key(&sorting->acc[i], sorting_by), b = sort_key(&sorting->acc[j], sorting_by);
    if (a != b)
        return a > b ? -1 : 1;
    return i < j ? -1 : i > j; /* stable: book order among equals */
}

lc_status lc_report_write(const lc_report *r, lc_format fmt, FILE *out)
{
    if (!r || !out)
        return LC_EINVAL;
    lc__source src = source(r->pol, r->n_acc, r->n_pos, from_report, NULL);
    src.report = r;
    return write_source(&src, fmt, out);
}

/* Accounts [first, first + n) evaluated as they are written in "fmt" on "out", or as
 * entries of a larger report into "entries" when that is given, one at a time in
 * scratch space for the largest of them; the scripts in "lua", or the policy's own state
 * when NULL. */
static lc_status write_on_the_fly(const lc_policy *pol, const lc_portfolio *pf, size_t first,
                                  size_t n, struct lc__lua *lua, lc__text_cache *tc,
                                  lc_format fmt, FILE *out, lc__out *entries,
                                  const lc_write_options *opts, lc_summary *summary)
{
    size_t largest = 1, n_pos = 0;
    for (size_t i = first; i < first + n; i++) {
        n_pos += pf->accts[i].n;
        if (pf->accts[i].n > largest)
            largest = pf->accts[i].n;
    }
    lc__source src = source(pol, n, n_pos, on_the_fly, opts);
    src.pf = pf;
    src.first = first;
    src.lua = lua;
    src.tc = tc;
    src.scratch_pos = lc__malloc(largest * sizeof(*src.scratch_pos));
    if (!src.scratch_pos)
        return LC_ENOMEM;
    lc__arena_init(&src.scratch_strings, 4096);
    struct lc__lua *scripts = lua ? lua : pol->lua;
    lc_status rc = scripts ? lc__lua_begin(scripts, pol, pf) : LC_OK;
    if (rc == LC_OK)
        rc = entries ? lc__report_write_entries(&src, entries, fmt == LC_FORMAT_JSON)
                     : write_source(&src, fmt, out);
    lc__arena_free(&src.scratch_strings);
    lc__free(src.scratch_pos);
    lc__summary_copy(summary, &src.summary);
    return rc;
}

/* What a writing thread keeps from block to block: its clone of the policy's scripts
 * (NULL without scripts) and its text cache, warm after the first block. */
typedef struct worker_state {
    struct lc__lua *lua;
    lc__text_cache *tc;
} worker_state;

static void worker_free(void *w)
{
    worker_state *ws = w;
    if (!ws)
        return;
    lc__lua_free(ws->lua);
    lc__free(ws->tc);
    lc__free(ws);
}

/* One block of a report written by several threads (parallel.c), with the thread's own
 * state (*worker, made at its first block). */
static lc_status write_block(const lc_policy *pol, const lc_portfolio *pf, size_t first,
                             size_t n, const lc_write_options *opts, bool json, lc__out *out,
                             lc_summary *summary, void **worker)
{
    worker_state *ws = *worker;
    if (!ws) {
        if (!(ws = lc__calloc(1, sizeof(*ws))))
            return LC_ENOMEM;
        *worker = ws; /* freed by worker_free, made or not */
        if (!(ws->tc = lc__calloc(1, sizeof(*ws->tc))) ||
            (pol->lua && !(ws->lua = lc__lua_clone(pol->lua))))
            return LC_ENOMEM;
    }
    return write_on_the_fly(pol, pf, first, n, ws->lua, ws->tc,
                            json ? LC_FORMAT_JSON : LC__FORMAT_NDJSON_LINES, NULL, out, opts,
                            summary);
}

lc_status lc_evaluate_write_with(const lc_policy *pol, const lc_portfolio *pf, lc_format fmt,
                                 FILE *out, const lc_write_options *opts, lc_summary *summary,
                                 lc_diags *diags)
{
    if (!pol || !pf || !out || pf->pol != pol)
        return LC_EINVAL;
    if ((opts && !LC__SIZE_COVERS(opts, lc_write_options, sort)) ||
        (summary && !LC__SIZE_COVERS(summary, lc_summary, first_script_error)))
        return LC_EINVAL;
    for (size_t k = 0; opts && k < opts->n_accounts; k++) {
        size_t i = 0;
        while (i < pf->n_accts && strcmp(pf->accts[i].id, opts->accounts[k]) != 0)
            i++;
        if (i == pf->n_accts) {
            lc__diag_add(diags, LC_SEV_ERROR, LC_DIAG_REFERENCE, NULL, 0, 0, "no account '%s' in the portfolio",
                         opts->accounts[k]);
            return LC_EINPUT;
        }
    }
    if (!opts || opts->sort == LC_SORT_NONE) {
        unsigned threads = opts && LC__SIZE_COVERS(opts, lc_write_options, threads)
                               ? opts->threads : 0;
        if (threads >= 1 && (fmt == LC_FORMAT_JSON || fmt == LC_FORMAT_NDJSON))
            return lc__evaluate_write_parallel(pol, pf, fmt, out, opts, summary,
                                               threads > 64 ? 64 : threads, write_block,
                                               worker_free);
        return lc__evaluate_write_stream(pol, pf, fmt, out, opts, summary);
    }
    lc_report *r;
    lc_status rc = lc_evaluate(pol, pf, &r);
    if (rc)
        return rc;
    size_t *order = lc__malloc((r->n_acc ? r->n_acc : 1) * sizeof(*order));
    if (!order) {
        lc_report_free(r);
        return LC_ENOMEM;
    }
    for (size_t i = 0; i < r->n_acc; i++)
        order[i] = i;
    sorting = r;
    sorting_by = opts->sort;
    qsort(order, r->n_acc, sizeof(*order), by_key);
    lc__source src = source(pol, r->n_acc, r->n_pos, from_report, opts);
    src.report = r;
    src.order = order;
    rc = write_source(&src, fmt, out);
    lc__summary_copy(summary, &src.summary);
    lc__free(order);
    lc_report_free(r);
    return rc;
}

lc_status lc_evaluate_write(const lc_policy *pol, const lc_portfolio *pf, lc_format fmt,
                            FILE *out, lc_summary *summary)
{
    return lc_evaluate_write_with(pol, pf, fmt, out, NULL, summary, NULL);
}

lc_status lc__evaluate_write_stream(const lc_policy *pol, const lc_portfolio *pf,
                                    lc_format fmt, FILE *out, const lc_write_options *opts,
                                    lc_summary *summary)
{
    if (!pol || !pf || !out || pf->pol != pol)
        return LC_EINVAL;
    return write_on_the_fly(pol, pf, 0, pf->n_accts, NULL, NULL, fmt, out, NULL, opts, summary);
}


lc_status lc__evaluate_write_lines(const lc_policy *pol, const lc_portfolio *pf, FILE *out,
                                   const lc_write_options *opts, lc_summary *summary)
{
    unsigned threads = opts && LC__SIZE_COVERS(opts, lc_write_options, threads) ? opts->threads : 0;
    if (threads >= 1)
        return lc__evaluate_write_parallel(pol, pf, LC__FORMAT_NDJSON_LINES, out, opts, summary,
                                           threads > 64 ? 64 : threads, write_block, worker_free);
    return lc__evaluate_write_stream(pol, pf, LC__FORMAT_NDJSON_LINES, out, opts, summary);
}
