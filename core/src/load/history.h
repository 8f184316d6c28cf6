/*
 * history_int.h - daily OHLC price history as read from CSV files.
 */
#ifndef LC_HISTORY_INT_H
#define LC_HISTORY_INT_H

#include "base/base.h"
#include "levcal/plugin.h"

/* 9999-12-31T23:59:59Z and 0000-01-01T00:00:00Z in unix seconds: the times levcal reads. */
#define LC__MAX_UNIX_SECONDS 253402300799.0
#define LC__MIN_UNIX_SECONDS (-62167219200.0)

typedef enum lc__gaps { LC__GAPS_ERROR = 0, LC__GAPS_DROP, LC__GAPS_SCALE } lc__gaps;

typedef struct lc__history {
    char *path;
    lc_bar *bars;  /* ascending, unique days, returns filled per the gap rule */
    size_t n;
    size_t n_gaps; /* calendar gaps found (and handled) */
    char *symbol;  /* the first value of a Symbol column, or NULL */
    unsigned symbol_line;
} lc__history;

/* Reads "path" as daily OHLC bars, keeping days <= "until" (INT64_MAX for all). Every
 * problem is a located diagnostic; gaps are errors or warnings by "gaps". */
/* Whether a history's Symbol value names "market" (case, '/', '-' and '_' aside). */
bool lc__symbol_matches(const char *symbol, const char *market);

/* Where a missing day's error tells the user to set the gap rule. */
typedef enum lc__gaps_hint { LC__GAPS_HINT_POLICY = 0, LC__GAPS_HINT_CLI } lc__gaps_hint;

lc_status lc__history_load(const char *path, int64_t until, lc__gaps gaps, lc__gaps_hint hint,
                           lc__history **pp,
                           lc_diags *d);
void lc__history_free(lc__history *h);

/* "error", "drop" or "scale" -> *out; false for any other word. */
bool lc__parse_gaps(const char *s, lc__gaps *out);

/* Parses YYYY-MM-DD into days since 1970-01-01; false if not a valid date. */
bool lc__parse_date(const char *s, size_t len, int64_t *day);

/* Writes day "day" as YYYY-MM-DD into "buf" (at least 16 bytes). */
void lc__format_date(int64_t day, char *buf);

#endif
