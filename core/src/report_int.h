/*
 * report_int.h - the evaluation result shared by eval.c and the report writers.
 */
#ifndef LC_REPORT_INT_H
#define LC_REPORT_INT_H

#include "lc_int.h"

struct lc_report {
    const lc_policy *pol;      /* borrowed */
    const lc_portfolio *pf;    /* borrowed */
    lc_account_result *acc;
    size_t n_acc;
    lc_position_result *pos;
    size_t n_pos;
};

/* Writes a one-line explanation of account "a"'s status into "buf". */
void lc__reason_text(const lc_report *r, const lc_account_result *a, char *buf, size_t size);

/* Writes the explanation of isolated position "p"'s status into "buf". */
void lc__position_reason_text(const lc_position_result *p, char *buf, size_t size);

lc_status lc__report_write_json(const lc_report *r, FILE *f);
lc_status lc__report_write_table(const lc_report *r, FILE *f);

#endif
