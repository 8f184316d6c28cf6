/*
 * report.h - a materialised evaluation: one result per account and per position, in the
 * portfolio's order, with the strings scripts produced.
 */
#ifndef LC_MODEL_REPORT_H
#define LC_MODEL_REPORT_H

#include "base/base.h"

struct lc_report {
    const lc_policy *pol;      /* borrowed */
    const lc_portfolio *pf;    /* borrowed */
    lc_account_result *acc;
    size_t n_acc;
    lc_position_result *pos;
    size_t n_pos;
    lc__arena strings;         /* scripts' findings, log lines and messages */
};

#endif
