/*
 * report.c - a materialised evaluation: its accounts and positions, read by index, and
 * freed whole.
 */
#include "base/prefix.h"

#include "model/report.h"

void lc_report_free(lc_report *r)
{
    if (!r)
        return;
    lc__free(r->acc);
    lc__free(r->pos);
    lc__arena_free(&r->strings);
    lc__free(r);
}

size_t lc_report_account_count(const lc_report *r)
{
    return r->n_acc;
}

const lc_account_result *lc_report_account(const lc_report *r, size_t i)
{
    return i < r->n_acc ? &r->acc[i] : NULL;
}

size_t lc_report_position_count(const lc_report *r)
{
    return r->n_pos;
}

const lc_position_result *lc_report_position(const lc_report *r, size_t i)
{
    return i < r->n_pos ? &r->pos[i] : NULL;
}
