/*
 * pscan.h - inside the portfolio loader: the scanner's state over the reader's events,
 * the helpers every part of the format uses (portfolio_scan.c), and the readers of the
 * marks, open interest and a stream's first line (portfolio_head.c). Only load/ includes
 * it.
 */
#ifndef LC_LOAD_PSCAN_H
#define LC_LOAD_PSCAN_H

#include "model/policy.h"
#include "model/portfolio.h"
#include "syntax/node.h"
#include "syntax/reader.h"

/* A broken generator can repeat one mistake on every row; past this many errors the
 * rest would only bury the first ones. */
#define MAX_ERRORS 100

typedef struct pload {
    lc__ld ld;
    lc__reader *r;
    lc_portfolio *pf;
    const lc_policy *pol;
    const char **market_names; /* for did-you-mean on unknown markets */
    unsigned *use_line;        /* per market: first position using it (for missing marks) */
    unsigned *use_col;
    unsigned *mark_line;       /* per market: where its mark was given, 0 if not */
    size_t *seen_acct;         /* per market: account index + 1 that last held it */
    unsigned *seen_line;       /* ... and the line of that position */
    uint32_t *ids;             /* open-addressing set of account indexes + 1 */
    size_t ids_cap;
    lc_status rc;              /* LC_ENOMEM or a syntax error stops the scan */
    int mode;                  /* what the text is: a portfolio, or part of an NDJSON stream */
    const lc_portfolio *head;  /* SCAN_ACCOUNTS: the stream's marks and open interest */
} pload;

/* What scan() reads: a whole portfolio; an NDJSON stream's first line (marks, open
 * interest, as_of, no accounts); or a run of its account lines made into one array. */
enum { SCAN_DOC, SCAN_HEAD, SCAN_ACCOUNTS };

/* portfolio_scan.c: whether the scan must stop (out of memory, a syntax error, too many
 * errors); the next event; skipping a node, a value, a bad key and its value. */
bool lc__ps_stop(pload *s);
bool lc__ps_next(pload *s, lc__event *ev);
void lc__ps_skip(pload *s, const lc__event *ev);
void lc__ps_skip_value(pload *s);
void lc__ps_skip_pair(pload *s, const lc__event *k);

/* "a mapping", "a sequence" or "an alias", for messages. */
const char *lc__ps_ev_kind(const lc__event *ev);

/* A number or a string value; anything else is reported (and skipped). */
bool lc__ps_number(pload *s, const lc__event *ev, double *out);
bool lc__ps_string(pload *s, const lc__event *ev);

/* The next key of a mapping: its index in "keys", -1 at the mapping's end, -2 for a key
 * reported and skipped with its value; "seen" has a bit per key, for duplicates. */
int lc__ps_next_key(pload *s, lc__event *ev, const lc__key *keys, int nkeys, unsigned *seen);

/* Reports each required key of "keys" not in "seen", at line:col of the mapping. */
void lc__ps_missing_keys(pload *s, const lc__key *keys, int nkeys, unsigned seen,
                         unsigned line, unsigned col, const char *what);

/* portfolio_head.c: 'marks', 'open_interest', and a stream's first line (or --marks). */
void lc__ps_load_marks(pload *s, const lc__event *start);
void lc__ps_load_open_interest(pload *s, const lc__event *start);
void lc__ps_load_head(pload *s, const lc__event *start);

#endif
