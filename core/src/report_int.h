/*
 * report_int.h - the evaluation result, and the account source the report writers read.
 *
 * Writers pull accounts one at a time from an lc__source: either a materialised report
 * (lc_evaluate) or an evaluation done on the fly into scratch space (lc_evaluate_write),
 * so both paths print byte-identical reports.
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
    lc__arena strings;         /* scripts' findings, log lines and messages */
};

/* Evaluates account "i" of "pf" into "a" and its positions into "out" (room for the
 * account's position count). LC_ENOMEM when the scripts' strings or state ran out of
 * memory; a script that fails is not an error here (a->script_error says so). */
lc_status lc__eval_account(const lc_policy *pol, const lc_portfolio *pf, size_t i,
                      lc_account_result *a, lc_position_result *out, lc__arena *arena);

typedef struct lc__source {
    const lc_policy *pol;
    size_t n_acc, n_pos;
    /* Returns account "i" with its positions in *ppos; valid until the next call. NULL
     * when it could not be evaluated, with the status in "failed": the writer stops. */
    const lc_account_result *(*get)(struct lc__source *src, size_t i,
                                    const lc_position_result **ppos);
    const lc_report *report;   /* materialised source */
    const lc_portfolio *pf;    /* streaming source */
    lc_account_result scratch_acc;
    lc_position_result *scratch_pos;
    lc__arena scratch_strings;
    lc_summary summary;        /* filled in by the writer */
    lc_status failed;          /* why get returned NULL */
} lc__source;

/* Counts account "a" into "s", keeping the first script failure's message. */
void lc__summary_add(lc_summary *s, const lc_account_result *a);

/* Writes a one-line explanation of account "a"'s status into "buf". */
void lc__reason_text(const lc_account_result *a, const lc_position_result *pos, char *buf,
                     size_t size);

/* Writes the sentence for breach "b" of account "a" into "buf". */
void lc__breach_text(const lc_breach *b, const lc_account_result *a,
                     const lc_position_result *pos, char *buf, size_t size);

/* "v" to the cent ("-2007.00"; "null" if not finite) into "buf" (40 bytes); returns buf. */
char *lc__cents(double v, char *buf);

/* Writes the explanation of isolated position "p"'s status into "buf". */
void lc__position_reason_text(const lc_position_result *p, char *buf, size_t size);

lc_status lc__report_write_json(lc__source *src, FILE *f);
lc_status lc__report_write_table(lc__source *src, FILE *f);

#endif
