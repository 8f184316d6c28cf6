/*
 * summary.c - what the writers count and select as accounts go by: the summary of a whole
 * evaluation, and whether an account is one the caller asked to see.
 */
#include "base/prefix.h"

#include "report/report.h"

#include <stdio.h>
#include <string.h>

bool lc__selected(const lc__source *src, const lc_account_result *a)
{
    const lc_write_options *o = src->opts;
    if (!o)
        return true;
    if (o->status_mask && !(o->status_mask & (1u << a->status)))
        return false;
    if (!o->n_accounts)
        return true;
    for (size_t i = 0; i < o->n_accounts; i++)
        if (strcmp(o->accounts[i], a->id) == 0)
            return true;
    return false;
}

void lc__summary_add(lc_summary *s, const lc_account_result *a)
{
    s->by_status[a->status]++;
    if (!a->script_error)
        return;
    s->script_errors++;
    if (!s->first_script_error[0])
        snprintf(s->first_script_error, sizeof s->first_script_error, "%s: %s", a->id,
                 a->script_error);
}

void lc__summary_copy(lc_summary *dst, const lc_summary *src)
{
    if (!dst)
        return;
    size_t n = dst->size < sizeof(*dst) ? dst->size : sizeof(*dst);
    size_t keep = dst->size;
    memcpy(dst, src, n);
    dst->size = keep;
}

void lc_report_summary(const lc_report *r, lc_summary *out)
{
    if (!r || !out || !LC__SIZE_COVERS(out, lc_summary, first_script_error))
        return;
    lc_summary whole = LC_SUMMARY_INIT, *s = &whole;
    s->accounts = r->n_acc;
    s->positions = r->n_pos;
    for (size_t i = 0; i < r->n_acc; i++)
        lc__summary_add(s, &r->acc[i]);
    lc__summary_copy(out, s);
}

void lc__summary_merge(lc_summary *dst, const lc_summary *src)
{
    dst->accounts += src->accounts;
    dst->positions += src->positions;
    for (int v = 0; v < LC_N_VERDICTS; v++)
        dst->by_status[v] += src->by_status[v];
    dst->script_errors += src->script_errors;
    if (!dst->first_script_error[0])
        memcpy(dst->first_script_error, src->first_script_error, sizeof dst->first_script_error);
}

int lc__source_next(lc__source *src, size_t *i, const lc_account_result **pa,
                    const lc_position_result **ppos)
{
    while (*i < src->n_acc) {
        const lc_account_result *a = src->get(src, (*i)++, ppos);
        if (!a)
            return -1;
        lc__summary_add(&src->summary, a);
        if (lc__selected(src, a)) {
            *pa = a;
            return 1;
        }
    }
    return 0;
}
