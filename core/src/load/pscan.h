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
    uint64_t *ids;             /* open-addressing set of ids: hash << 32 | account index + 1 */
    size_t ids_cap;
    lc_status rc;              /* LC_ENOMEM or a syntax error stops the scan */
    int mode;                  /* what the text is: a portfolio, or part of an NDJSON stream */
    const lc_portfolio *head;  /* SCAN_ACCOUNTS: the stream's marks and open interest */
    const char *end;           /* the end of the text */
    unsigned threads;          /* SCAN_DOC: threads that may read the accounts */
    double max_qty, max_entry, max_iso, max_collateral; /* largest |value| read, which
                                  bound every sum the evaluation makes (check_finite) */
    lc__behind *behind;        /* JSON from a mapped file: where read pages go back */
    const char *behind_from;   /* ... and from where this reader has not handed any */
} pload;

/* What scan() reads: a whole portfolio; an NDJSON stream's first line (marks, open
 * interest, as_of, no accounts); or a run of its account lines made into one array. */
enum { SCAN_DOC, SCAN_HEAD, SCAN_ACCOUNTS };

/* portfolio_acct.c: sets up "s" over a new, empty portfolio for "mode"; frees the
 * scanner's own arrays (not the portfolio). */
lc_status lc__ps_setup(pload *s, const lc_policy *pol, const char *name, lc_diags *diags,
                       int mode);
void lc__ps_release(pload *s);

/* portfolio_acct.c: a part of a document's accounts list, read on a thread of its own into
 * s (set up here, and released with lc__ps_part_release): "buf" holds whole accounts
 * from line "line" on; "open", the list goes on after it, else its ']' ends the part. */
lc_status lc__ps_part_scan(pload *s, const lc_policy *pol, const char *name, const char *buf,
                           size_t len, unsigned line, bool open, lc_diags *diags);
void lc__ps_part_release(pload *s);

/* An account of the list, read in order; and whether id "id", of hash "h" (lc__hash),
 * is among those read into "s" already. */
void lc__ps_load_account(pload *s, const lc__event *start);
bool lc__ps_id_taken(const pload *s, const char *id, uint32_t h);

/* portfolio_par.c: a document's accounts list read by several threads. _start, at the
 * list's '[', hands the parts after the first to threads, or returns NULL where the text
 * does not split or is too small to be worth it; the caller reads on up to _split, where
 * _join takes the parts in when they join exactly as one reader would have read them
 * (then the reader is at the list's ']') and returns false otherwise, leaving the caller
 * to read the rest itself. _free joins and frees what is left. */
typedef struct lc__ps_par lc__ps_par;
lc__ps_par *lc__ps_par_start(pload *s);
const char *lc__ps_par_split(const lc__ps_par *par);
bool lc__ps_par_join(pload *s, lc__ps_par *par);
void lc__ps_par_free(lc__ps_par *par);

/* The smallest accounts list worth threads (1 MiB), lowered by tests; and how many times
 * parts were joined, for tests that must see it happen. */
extern size_t lc__ps_par_min_bytes;
extern unsigned long lc__ps_par_joined;

/* After an account: hands back the pages this reader has passed, a step at a time. */
static inline void lc__ps_hand_back(pload *s)
{
    if (!s->behind)
        return;
    const char *p, *line_start;
    unsigned line;
    lc__reader_where(s->r, &p, &line, &line_start);
    if (p > s->behind_from && (size_t)(p - s->behind_from) >= LC__BEHIND_STEP)
        s->behind_from = lc__behind_drop(s->behind, s->behind_from, p);
}

/* Whether the scan must stop (out of memory, a syntax error, too many errors). Asked
 * before every value, so inline. */
static inline bool lc__ps_stop(pload *s)
{
    if (s->ld.oom)
        s->rc = LC_ENOMEM;
    return s->rc != LC_OK || s->ld.n_errors >= MAX_ERRORS;
}

/* portfolio_scan.c: the next event; skipping a node, a value, a bad key and its value. */
bool lc__ps_next(pload *s, lc__event *ev);
void lc__ps_skip(pload *s, const lc__event *ev);
void lc__ps_skip_value(pload *s);
void lc__ps_skip_pair(pload *s, const lc__event *k);

/* "a mapping", "a sequence", "a scalar" or "an alias", for messages. */
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
