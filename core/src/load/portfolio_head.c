/*
 * portfolio_head.c - what a portfolio gives per market rather than per account: the marks
 * and the open interest, and the first line of an NDJSON stream (or its --marks file),
 * which holds them for every account line after it.
 */
#include "base/prefix.h"

#include "load/pscan.h"

#include <math.h>
#include <string.h>

/* ==== Marks and open interest ============================================ */

/* What a mapping of market names to numbers is about, for its messages. */
typedef struct market_map {
    const char *section;  /* "marks" */
    const char *values;   /* "prices" */
    const char *noun;     /* "mark" */
    const char *expect;   /* "a mark price above 0" */
    bool zero_ok;         /* 0 allowed (open interest), else above 0 */
} market_map;

/* Reads 'marks' or 'open_interest' into "out" (per policy market), "line" recording where
 * each market was given. */
static void load_market_map(pload *s, const lc__event *start, const market_map *mm,
                            double *out, unsigned *line)
{
    if (start->type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col,
                     "expected '%s' to map market names to %s, got %s", mm->section, mm->values,
                     lc__ps_ev_kind(start));
        lc__ps_skip(s, start);
        return;
    }
    lc__event k, v;
    while (!lc__ps_stop(s) && lc__ps_next(s, &k) && k.type != LC__EV_MAP_END) {
        if (k.type != LC__EV_SCALAR) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, k.line, k.col, "expected a market name, got %s", lc__ps_ev_kind(&k));
            lc__ps_skip_pair(s, &k);
            continue;
        }
        long m = lc__policy_find(s->pol, k.s, k.len);
        if (m < 0) {
            lc__ld_warn(&s->ld, LC_DIAG_REFERENCE, k.line, k.col,
                        "%s for market '%.*s', which the policy does not define; ignored",
                        mm->noun, (int)k.len, k.s);
        } else if (line[m]) {
            lc__ld_error(&s->ld, LC_DIAG_DUPLICATE, k.line, k.col, "%s for '%s' given twice (first at line %u)",
                         mm->noun, s->pol->markets[m].name, line[m]);
            m = -1;
        } else {
            line[m] = k.line;
        }
        if (!lc__ps_next(s, &v))
            return;
        double x;
        if (lc__ps_number(s, &v, &x) && m >= 0) {
            if (!(x > 0) && !(mm->zero_ok && x == 0))
                lc__ld_error(&s->ld, LC_DIAG_VALUE, v.line, v.col, "expected %s, got %.*s",
                             mm->expect, (int)v.len, v.s);
            else
                out[m] = x;
        }
    }
}

void lc__ps_load_marks(pload *s, const lc__event *start)
{
    static const market_map mm = {"marks", "prices", "mark", "a mark price above 0", false};
    load_market_map(s, start, &mm, s->pf->marks, s->mark_line);
}

/* 'open_interest': each market's open notional, which the open_interest margin scheme
 * scales its initial margin by. */
void lc__ps_load_open_interest(pload *s, const lc__event *start)
{
    static const market_map mm = {"open_interest", "open notional", "open interest",
                                  "an open interest (notional) of at least 0", true};
    lc_portfolio *pf = s->pf;
    size_t nm = s->pol->n_markets;
    unsigned *line = lc__calloc(nm ? nm : 1, sizeof(*line));
    if (!pf->oi)
        pf->oi = lc__malloc((nm ? nm : 1) * sizeof(double));
    if (!line || !pf->oi) {
        lc__free(line);
        s->rc = LC_ENOMEM;
        return;
    }
    for (size_t m = 0; m < nm; m++)
        pf->oi[m] = (double)NAN;
    load_market_map(s, start, &mm, pf->oi, line);
    lc__free(line);
}

/* An NDJSON stream's first line, or its --marks file: what every account line reads. */
enum { H_MARKS, H_AS_OF, H_OI, H_NKEYS };
static const lc__key head_keys[H_NKEYS] = {
    {"marks", true}, {"as_of", false}, {"open_interest", false}};

void lc__ps_load_head(pload *s, const lc__event *start)
{
    if (start->type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col,
                     "expected the stream's marks first ({\"marks\": {...}}), got %s",
                     lc__ps_ev_kind(start));
        return;
    }
    unsigned seen = 0;
    lc__event k, v;
    int key;
    while ((key = lc__ps_next_key(s, &k, head_keys, H_NKEYS, &seen)) != -1) {
        if (key < 0 || !lc__ps_next(s, &v))
            continue;
        if (key == H_MARKS)
            lc__ps_load_marks(s, &v);
        else if (key == H_OI)
            lc__ps_load_open_interest(s, &v);
        else if (lc__ps_string(s, &v) && !lc__parse_time(v.s, v.len, &s->pf->as_of))
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v.line, v.col,
                         "expected 'as_of' as a date (YYYY-MM-DD) or time "
                         "(YYYY-MM-DDTHH:MM:SSZ), got '%.*s'",
                         (int)(v.len > 40 ? 40 : v.len), v.s);
    }
    if (!lc__ps_stop(s))
        lc__ps_missing_keys(s, head_keys, H_NKEYS, seen, start->line, start->col,
                     "the stream's first line");
}

