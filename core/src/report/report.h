/*
 * report.h - the account source the report writers read, and what they share.
 *
 * Writers pull accounts one at a time from an lc__source: either a materialised report
 * (lc_evaluate) or an evaluation done on the fly into scratch space (lc_evaluate_write),
 * so both paths print byte-identical reports.
 */
#ifndef LC_REPORT_REPORT_H
#define LC_REPORT_REPORT_H

#include "model/policy.h"
#include "model/report.h"

/* Text the JSON writers render once and copy after: a market's name as a JSON string, and
 * a tier's fixed figures (",\"tier\":...\"maintenance_amount\":..."), each kept with
 * exactly what it was rendered from and used only where that matches, bit for bit. */
/* A book's markets times the tiers its positions fall in: a few hundred pairs, in slots
 * taken two at a time (json.c), with room to spare. */
#define LC__TEXT_CACHE_SLOTS 1024
typedef struct lc__text_cache {
    struct lc__text_entry {
        const char *market; /* the policy's string: compared by address */
        unsigned tier;
        double lev, mmr, amount;
        double mark;        /* the market's mark, whose text is ",\"mark\":..." */
        unsigned short name_len, tier_len, mark_len;
        char name[160];     /* "\"market\":\"NAME\"" */
        char fixed[160];
        char mark_text[40];
    } e[LC__TEXT_CACHE_SLOTS];
} lc__text_cache;

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
    const lc_write_options *opts; /* which accounts to write; NULL: all */
    const size_t *order;       /* the order to write them in; NULL: the book's */
    lc_status failed;          /* why get returned NULL */
    lc__text_cache *tc;        /* the writer's text cache, kept from block to block by a
                                  worker; NULL: the writer makes one for the call */
    size_t first;              /* streaming source: the book's index of account 0 */
    struct lc__lua *lua;       /* streaming source: the scripts' state; NULL: the policy's */
} lc__source;

/* Whether account "a" is to be written under src->opts. */
bool lc__selected(const lc__source *src, const lc_account_result *a);

/* The next account to write, from index *i on: every account met is counted into
 * src->summary, those not selected are passed over. 1 with *pa and *ppos set, 0 at the
 * end, -1 when an account could not be evaluated (src->failed says why). */
int lc__source_next(lc__source *src, size_t *i, const lc_account_result **pa,
                    const lc_position_result **ppos);

/* Copies "src" into the caller's "dst" (may be NULL) as far as dst->size reaches, keeping
 * dst->size. */
void lc__summary_copy(lc_summary *dst, const lc_summary *src);

/* Counts account "a" into "s", keeping the first script failure's message. */
void lc__summary_add(lc_summary *s, const lc_account_result *a);

/* Writes a one-line explanation of account "a"'s status into "buf". */
void lc__reason_text(const lc_account_result *a, const lc_position_result *pos, char *buf,
                     size_t size);

/* Writes the sentence for breach "b" of account "a" into "buf". */
void lc__breach_text(const lc_breach *b, const lc_account_result *a,
                     const lc_position_result *pos, char *buf, size_t size);

/* The warning of a script's cap set aside (ignored, or clamped below 1/mmr) on position
 * "p" into "buf"; false when there is none. */
bool lc__script_warning_text(const lc_position_result *p, char *buf, size_t size);

/* "v" to the cent ("-2007.00"; "null" if not finite) into "buf" (40 bytes); returns buf. */
char *lc__cents(double v, char *buf);

/* Writes the explanation of isolated position "p"'s status into "buf". */
void lc__position_reason_text(const lc_position_result *p, char *buf, size_t size);

/* Evaluates account by account into scratch space while writing (no sort). */
lc_status lc__evaluate_write_stream(const lc_policy *pol, const lc_portfolio *pf,
                                    lc_format fmt, FILE *out, const lc_write_options *opts,
                                    lc_summary *summary);

lc_status lc__report_write_json(lc__source *src, FILE *f);

/* The JSON report's parts around its accounts: everything up to "accounts":[, and from
 * the array's end through the summary. */
void lc__json_head(lc__out *o, const lc_policy *pol, const lc_portfolio *pf);
void lc__json_tail(lc__out *o, const lc_summary *s);

/* The account lines of "pf" (NDJSON, no summary line), with opts->threads workers: a part
 * of an NDJSON stream. */
lc_status lc__evaluate_write_lines(const lc_policy *pol, const lc_portfolio *pf, FILE *out,
                                   const lc_write_options *opts, lc_summary *summary);

/* Writes accounts [first, first + n) of "pf" into "out" (lc__report_write_entries: JSON
 * array entries when "json", else NDJSON lines), counted into *summary (the block's
 * accounts and positions). "*worker" is the calling thread's own state (NULL at its
 * first block), freed with the pool's worker_free when it is done. */
typedef lc_status (*lc__block_writer)(const lc_policy *pol, const lc_portfolio *pf, size_t first,
                                      size_t n, const lc_write_options *opts, bool json,
                                      lc__out *out, lc_summary *summary, void **worker);

/* A report written by "threads" workers (parallel.c), each running "block" over blocks of
 * accounts, the blocks written in order: JSON or NDJSON, the same bytes as one thread. */
lc_status lc__evaluate_write_parallel(const lc_policy *pol, const lc_portfolio *pf,
                                      lc_format fmt, FILE *out, const lc_write_options *opts,
                                      lc_summary *summary, unsigned threads,
                                      lc__block_writer block, void (*worker_free)(void *));

/* NDJSON: each selected account on a line of its own (the JSON report's account object),
 * then with "summary_line" the summary line (lc__ndjson_summary_line). */
lc_status lc__report_write_ndjson(lc__source *src, FILE *f, bool summary_line);

/* The selected accounts of "src" as a part of a report: JSON array entries, each after
 * ",\n" (the report's first drops that comma), or NDJSON lines. */
lc_status lc__report_write_entries(lc__source *src, lc__out *o, bool json);

/* {"summary":{...},"policy":{"id","version","digest"}} and a newline: what `levcal
 * summary` merges, and checks were made under one policy. */
void lc__ndjson_summary_line(lc__out *o, const lc_policy *pol, const lc_summary *s);

/* Adds the counts of "src" to "dst" (the first script failure kept). */
void lc__summary_merge(lc_summary *dst, const lc_summary *src);

/* An internal format: NDJSON account lines without the summary line, for a stream's
 * parts. */
#define LC__FORMAT_NDJSON_LINES ((lc_format)100)

/* The report's provenance (provenance.c): a JSON member "provenance":{...}, with its
 * trailing comma, or the table's digest line. "pf" may be NULL. */
void lc__provenance_json(lc__out *o, const lc_policy *pol, const lc_portfolio *pf);
void lc__provenance_table(lc__out *o, const lc_policy *pol, const lc_portfolio *pf);
lc_status lc__report_write_table(lc__source *src, FILE *f);

#endif
