/*
 * history.c - daily OHLC CSV files as exchanges and data vendors ship them.
 *
 * Columns are found by header name, in any case and order, extra columns ignored; lines
 * before the header (a vendor's banner) are skipped. Rows may come newest first. Every
 * bar is checked (positive prices, low <= open, close <= high), duplicate days are
 * refused, and calendar gaps are refused or handled as the caller says.
 */
#include "base/prefix.h"

#include "load/history.h"
#include "syntax/node.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ==== CSV =============================================================== */

#define MAX_FIELDS 64

typedef struct field {
    const char *s;
    size_t len;
    unsigned col; /* 1-based */
} field;

/* Splits line [p, end) at commas; strips spaces and surrounding double quotes. */
static size_t split(const char *p, const char *end, field *f)
{
    const char *line = p;
    size_t n = 0;
    for (;;) {
        const char *start = p;
        while (p < end && *p != ',')
            p++;
        const char *a = start, *b = p;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
            b--;
        if (b - a >= 2 && *a == '"' && b[-1] == '"') {
            a++;
            b--;
        }
        if (n < MAX_FIELDS)
            f[n++] = (field){a, (size_t)(b - a), (unsigned)(a - line) + 1};
        if (p >= end)
            break;
        p++;
    }
    return n;
}

static bool name_is(const field *f, const char *name)
{
    return f->len == strlen(name) && strncasecmp(f->s, name, f->len) == 0;
}

enum { K_TIME, K_OPEN, K_HIGH, K_LOW, K_CLOSE, K_N };

typedef struct row {
    lc_bar bar;
    unsigned line;
    double qvol; /* the day's volume in the quote currency; NaN if the file has none */
} row;

static int by_day(const void *a, const void *b)
{
    int64_t x = ((const row *)a)->bar.day, y = ((const row *)b)->bar.day;
    return (x > y) - (x < y);
}

/* The loader's error context, and where a gap error points the user. */
typedef struct hload {
    lc__ld ld;
    lc__gaps_hint hint;
} hload;

#define herr(h, ...) lc__ld_error(&(h)->ld, __VA_ARGS__)

static bool price(hload *h, const field *f, unsigned line, const char *what, double *out)
{
    if (!lc__parse_number(f->s, f->len, out) || !isfinite(*out)) {
        herr(h, LC_DIAG_TYPE, line, f->col, "expected a number for %s, got '%.*s'", what, (int)(f->len > 32 ? 32 : f->len), f->s);
        return false;
    }
    if (!(*out > 0)) {
        herr(h, LC_DIAG_VALUE, line, f->col, "expected a positive %s price, got %.*s", what, (int)f->len, f->s);
        return false;
    }
    return true;
}

static bool parse_time(hload *h, const field *f, unsigned line, bool is_date, int64_t *day)
{
    if (is_date) {
        if (lc__parse_date(f->s, f->len, day))
            return true;
        herr(h, LC_DIAG_HISTORY, line, f->col, "expected a date (YYYY-MM-DD), got '%.*s'", (int)(f->len > 32 ? 32 : f->len), f->s);
        return false;
    }
    double t;
    if (!lc__parse_number(f->s, f->len, &t) || !isfinite(t) || t < 0 || t != floor(t)) {
        herr(h, LC_DIAG_HISTORY, line, f->col, "expected a unix time in seconds or milliseconds, got '%.*s'",
             (int)(f->len > 32 ? 32 : f->len), f->s);
        return false;
    }
    /* Seconds stay below 1e11 until the year 5138; milliseconds are above it since 1973. */
    double secs = t >= 1e11 ? t / 1000 : t;
    if (secs > LC__MAX_UNIX_SECONDS) { /* past 9999-12-31: would not fit a day count */
        herr(h, LC_DIAG_HISTORY, line, f->col, "expected a unix time before the year 10000, got '%.*s'",
             (int)(f->len > 32 ? 32 : f->len), f->s);
        return false;
    }
    *day = (int64_t)floor(secs / 86400);
    return true;
}

/* The columns a header line names: where time, open, high, low, close and a symbol are. */
typedef struct columns {
    int at[K_N];   /* field index of each K_ column, -1 if absent */
    int symbol;    /* a Symbol (or ticker, pair) column, or -1 */
    int quote;     /* the quote-currency volume column, or -1 (decided at the first row) */
    int vol[4];    /* "volume <currency>" columns, -1 if absent */
    const char *vol_cur[4]; /* ... and their currencies, in the header line */
    size_t vol_len[4];
    bool is_date;  /* the time column holds dates, not unix times */
    int max;       /* the highest index among at[] */
} columns;

/* Reads header names from fields "f"; true once close (and so a header) is found. */
static bool find_columns(const field *f, size_t nf, columns *c)
{
    for (int k = 0; k < K_N; k++)
        c->at[k] = -1;
    c->symbol = -1;
    c->quote = -1;
    c->is_date = false;
    int nv = 0;
    for (int k = 0; k < 4; k++)
        c->vol[k] = -1;
    for (size_t i = 0; i < nf; i++) {
        if (name_is(&f[i], "quote_volume") || name_is(&f[i], "quote volume") ||
            name_is(&f[i], "quote_asset_volume")) {
            c->quote = (int)i;
            continue;
        }
        if (f[i].len > 7 && strncasecmp(f[i].s, "volume", 6) == 0 &&
            (f[i].s[6] == ' ' || f[i].s[6] == '_') && nv < 4) {
            c->vol[nv] = (int)i;
            c->vol_cur[nv] = f[i].s + 7;
            c->vol_len[nv++] = f[i].len - 7;
            continue;
        }
        if (name_is(&f[i], "date") || name_is(&f[i], "datetime") || name_is(&f[i], "day")) {
            c->at[K_TIME] = (int)i;
            c->is_date = true;
        } else if (!c->is_date && (name_is(&f[i], "unix") || name_is(&f[i], "timestamp") ||
                                   name_is(&f[i], "time") || name_is(&f[i], "open_time"))) {
            c->at[K_TIME] = (int)i;
        } else if (name_is(&f[i], "open")) {
            c->at[K_OPEN] = (int)i;
        } else if (name_is(&f[i], "high")) {
            c->at[K_HIGH] = (int)i;
        } else if (name_is(&f[i], "low")) {
            c->at[K_LOW] = (int)i;
        } else if (name_is(&f[i], "close")) {
            c->at[K_CLOSE] = (int)i;
        } else if (name_is(&f[i], "symbol") || name_is(&f[i], "ticker") ||
                   name_is(&f[i], "pair")) {
            c->symbol = (int)i;
        }
    }
    c->max = 0;
    for (int k = 0; k < K_N; k++)
        if (c->at[k] > c->max)
            c->max = c->at[k];
    return c->at[K_CLOSE] >= 0;
}

/* One data line into "r": false (reported) when a field is bad or the bar impossible. */
static bool read_bar(hload *h, const field *f, const columns *c, unsigned line, row *r)
{
    memset(r, 0, sizeof(*r));
    r->line = line;
    bool ok = parse_time(h, &f[c->at[K_TIME]], line, c->is_date, &r->bar.day);
    ok = price(h, &f[c->at[K_OPEN]], line, "open", &r->bar.open) && ok;
    ok = price(h, &f[c->at[K_HIGH]], line, "high", &r->bar.high) && ok;
    ok = price(h, &f[c->at[K_LOW]], line, "low", &r->bar.low) && ok;
    ok = price(h, &f[c->at[K_CLOSE]], line, "close", &r->bar.close) && ok;
    if (!ok)
        return false;
    const lc_bar *b = &r->bar;
    const field *lo = &f[c->at[K_LOW]], *hi = &f[c->at[K_HIGH]];
    if (b->low > b->high) {
        herr(h, LC_DIAG_HISTORY, line, lo->col, "impossible bar: low %.*s is above high %.*s",
             (int)lo->len, lo->s, (int)hi->len, hi->s);
        return false;
    }
    for (int k = K_OPEN; k <= K_CLOSE; k += K_CLOSE - K_OPEN) {
        double v = k == K_OPEN ? b->open : b->close;
        const field *x = &f[c->at[k]];
        if (v < b->low || v > b->high)
            herr(h, LC_DIAG_HISTORY, line, x->col, "impossible bar: %s %.*s is outside low..high",
                 k == K_OPEN ? "open" : "close", (int)x->len, x->s);
    }
    return true;
}

/* Reads every line into "rows" (days after "until" left out), the symbol into "hist". */
static lc_status read_rows(hload *h, const char *buf, size_t len, int64_t until,
                           lc__history *hist, row **prows, size_t *pn, unsigned *plines)
{
    const char *p = buf, *end = buf + len;
    unsigned line = 0;
    columns c;
    memset(&c, 0, sizeof c);
    bool header = false, quote_decided = false;
    field f[MAX_FIELDS];
    size_t n = 0, cap = 0;
    row *rows = NULL;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *ls = p;
        line++;
        p = eol ? eol + 1 : end;
        size_t nf = split(ls, eol ? eol : end, f);
        if (nf == 1 && f[0].len == 0)
            continue; /* blank line */
        if (!header) {
            /* Lines before the header are a vendor's banner; give up after a few. */
            if (!find_columns(f, nf, &c)) {
                if (line >= 10) {
                    herr(h, LC_DIAG_HISTORY, 1, 1, "expected a header line naming date (or unix), "
                                                   "open, high, low and close columns in the "
                                                   "first 10 lines");
                    break;
                }
                continue;
            }
            static const char *const names[K_N] = {"date or unix", "open", "high", "low", "close"};
            for (int k = 0; k < K_N; k++)
                if (c.at[k] < 0)
                    herr(h, LC_DIAG_HISTORY, line, 1, "header has no '%s' column", names[k]);
            if (h->ld.n_errors)
                break;
            header = true;
            continue;
        }
        if ((int)nf <= c.max) {
            herr(h, LC_DIAG_HISTORY, line, 1, "expected at least %d fields, got %zu", c.max + 1, nf);
            continue;
        }
        if (c.symbol >= 0 && c.symbol < (int)nf && !hist->symbol && f[c.symbol].len) {
            hist->symbol = lc__strndup(f[c.symbol].s, f[c.symbol].len);
            hist->symbol_line = line;
            if (!hist->symbol)
                goto oom;
        }
        if (c.quote < 0 && c.vol[0] >= 0 && !quote_decided) {
            /* "Volume USDT" is the quote's when the symbol ends in USDT (BTC/USDT). */
            quote_decided = true;
            const field *sym = c.symbol >= 0 && c.symbol < (int)nf ? &f[c.symbol] : NULL;
            char norm[64];
            size_t nn = 0;
            for (size_t i = 0; sym && i < sym->len && nn + 1 < sizeof norm; i++)
                if (isalnum((unsigned char)sym->s[i]))
                    norm[nn++] = (char)toupper((unsigned char)sym->s[i]);
            for (int k = 0; k < 4 && c.vol[k] >= 0; k++)
                if (c.vol_len[k] && c.vol_len[k] < nn &&
                    strncasecmp(norm + nn - c.vol_len[k], c.vol_cur[k], c.vol_len[k]) == 0)
                    c.quote = c.vol[k];
        }
        row r;
        if (!read_bar(h, f, &c, line, &r) || r.bar.day > until)
            continue;
        r.qvol = (double)NAN;
        if (c.quote >= 0 && c.quote < (int)nf && !lc__parse_number(f[c.quote].s, f[c.quote].len, &r.qvol))
            r.qvol = (double)NAN;
        row *nr = lc__grow(rows, &cap, n, sizeof(*nr), 1024);
        if (!nr)
            goto oom;
        rows = nr;
        rows[n++] = r;
    }
    if (!header && !h->ld.n_errors)
        herr(h, LC_DIAG_HISTORY, 1, 1, "expected a header line naming date (or unix), open, high, "
                                       "low and close columns");
    *prows = rows;
    *pn = n;
    *plines = line;
    return LC_OK;
oom:
    lc__free(rows);
    return LC_ENOMEM;
}

/* The bars in day order with their returns, each gap refused or handled by "gaps". */
static lc_status take_bars(hload *h, row *rows, size_t n, lc__gaps gaps, lc__history *hist)
{
    char d1[16], d2[16];
    qsort(rows, n, sizeof(*rows), by_day);
    for (size_t i = 1; i < n; i++) {
        if (rows[i].bar.day == rows[i - 1].bar.day) {
            unsigned a = rows[i].line, b = rows[i - 1].line;
            lc__format_date(rows[i].bar.day, d1);
            herr(h, LC_DIAG_DUPLICATE, a > b ? a : b, 1, "duplicate day %s (also at line %u)", d1,
                 a > b ? b : a);
        }
    }
    if (h->ld.n_errors)
        return LC_EINPUT;
    hist->bars = lc__malloc(n * sizeof(lc_bar));
    hist->qvol = lc__malloc((n ? n : 1) * sizeof(double));
    if (!hist->bars || !hist->qvol)
        return LC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        hist->qvol[i] = rows[i].qvol;
    hist->n = n;
    for (size_t i = 0; i < n; i++) {
        lc_bar *b = &hist->bars[i];
        *b = rows[i].bar;
        b->ret = b->overnight = (double)NAN;
        if (i == 0)
            continue;
        int64_t k = b->day - rows[i - 1].bar.day;
        double prev = rows[i - 1].bar.close;
        if (k > 1) {
            hist->n_gaps++;
            lc__format_date(rows[i - 1].bar.day, d1);
            lc__format_date(b->day, d2);
            if (gaps == LC__GAPS_ERROR) {
                herr(h, LC_DIAG_GAP, rows[i].line, 1,
                     "%lld missing day%s between %s (line %u) and %s; %s, or cut the history "
                     "before the gap",
                     (long long)(k - 1), k > 2 ? "s" : "", d1, rows[i - 1].line, d2,
                     h->hint == LC__GAPS_HINT_REQUEST
                         ? "set the request's gaps to drop or scale"
                         : "set 'gaps: drop' or 'gaps: scale' in the market's volatility section");
                continue;
            }
            lc__ld_warn(&h->ld, LC_DIAG_HISTORY, rows[i].line, 1,
                        "%lld missing day%s between %s and %s: %s", (long long)(k - 1),
                        k > 2 ? "s" : "", d1, d2,
                        gaps == LC__GAPS_DROP ? "no return is taken across the gap"
                                              : "the return across the gap is scaled by "
                                                "1/sqrt(days)");
            if (gaps == LC__GAPS_DROP)
                continue;
        }
        double scale = k > 1 ? 1 / sqrt((double)k) : 1;
        b->ret = log(b->close / prev) * scale;
        b->overnight = log(b->open / prev) * scale;
    }
    return LC_OK;
}

static lc_status parse(hload *h, const char *buf, size_t len, int64_t until, lc__gaps gaps,
                       lc__history *hist)
{
    row *rows = NULL;
    size_t n = 0;
    unsigned lines = 0;
    lc_status rc = read_rows(h, buf, len, until, hist, &rows, &n, &lines);
    if (rc == LC_OK && !h->ld.n_errors && n == 0)
        herr(h, LC_DIAG_HISTORY, lines ? lines : 1, 1, "no bars%s",
             until != INT64_MAX ? " on or before the last day asked for" : "");
    if (rc == LC_OK && !h->ld.n_errors)
        rc = take_bars(h, rows, n, gaps, hist);
    lc__free(rows);
    if (rc == LC_OK && h->ld.oom)
        rc = LC_ENOMEM;
    if (rc == LC_OK && h->ld.n_errors)
        rc = LC_EINPUT;
    return rc;
}

lc_status lc__history_load(const char *path, int64_t until, lc__gaps gaps, lc__gaps_hint hint,
                           lc__history **pp, lc_diags *d)
{
    *pp = NULL;
    lc__file f;
    lc_status rc = lc__file_open(&f, path, d);
    if (rc)
        return rc;
    lc__history *hist = lc__calloc(1, sizeof(*hist));
    hload h = {{path, d, 0, false}, hint};
    if (!hist || !(hist->path = lc__strdup(path)))
        rc = LC_ENOMEM;
    else
        rc = parse(&h, f.data, f.len, until, gaps, hist);
    if (rc == LC_OK)
        lc__sha256_hex(f.data, f.len, hist->sha256);
    lc__file_close(&f);
    if (rc) {
        lc__history_free(hist);
        return rc;
    }
    *pp = hist;
    return LC_OK;
}

/* "BTC/USDT", "btc-usdt" and "BTCUSDT" name one market: compare letters and digits only,
 * ignoring case. */
bool lc__symbol_matches(const char *symbol, const char *market)
{
    const char *a = symbol, *b = market;
    for (;;) {
        while (*a && !isalnum((unsigned char)*a))
            a++;
        while (*b && !isalnum((unsigned char)*b))
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
            return false;
        a++;
        b++;
    }
}

void lc__history_free(lc__history *h)
{
    if (!h)
        return;
    lc__free(h->path);
    lc__free(h->bars);
    lc__free(h->symbol);
    lc__free(h->qvol);
    lc__free(h);
}
