/*
 * history.h - daily OHLC price histories as read from CSV files.
 */
#ifndef LC_LOAD_HISTORY_H
#define LC_LOAD_HISTORY_H

#include "base/base.h"
#include "levcal/plugin.h"
#include "model/policy.h"

typedef struct lc__history {
    char *path;
    lc_bar *bars;  /* ascending, unique days, returns filled per the gap rule */
    size_t n;
    size_t n_gaps; /* calendar gaps found (and handled) */
    char *symbol;  /* the first value of a Symbol column, or NULL */
    char sha256[LC__SHA256_HEX]; /* of the whole file */
    double *qvol;  /* per bar: volume in the quote currency (a quote_volume or a "volume
                      <quote>" column whose currency ends the symbol); NaN if none */
    unsigned symbol_line;
} lc__history;

/* Where a missing day's error tells the user to set the gap rule. */
typedef enum lc__gaps_hint { LC__GAPS_HINT_POLICY = 0, LC__GAPS_HINT_REQUEST } lc__gaps_hint;

/* Reads "path" as daily OHLC bars, keeping days <= "until" (INT64_MAX for all). Every
 * problem is a located diagnostic; gaps are errors or warnings by "gaps", and an error
 * names the setting to change as "hint" says. The caller frees *pp. */
lc_status lc__history_load(const char *path, int64_t until, lc__gaps gaps, lc__gaps_hint hint,
                           lc__history **pp, lc_diags *d);
void lc__history_free(lc__history *h);

/* Whether a history's Symbol value names "market" (case, '/', '-' and '_' aside). */
bool lc__symbol_matches(const char *symbol, const char *market);

#endif
