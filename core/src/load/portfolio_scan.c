/*
 * portfolio_scan.c - the portfolio scanner's steps over the reader's events: the next
 * event or key, skipping what is reported, and the scalar values, each problem located.
 */
#include "base/prefix.h"

#include "load/pscan.h"

#include <string.h>


bool lc__ps_next(pload *s, lc__event *ev)
{
    lc_status rc = lc__reader_next(s->r, ev);
    if (rc) {
        s->rc = rc;
        return false;
    }
    return true;
}

void lc__ps_skip(pload *s, const lc__event *ev)
{
    lc_status rc = lc__reader_skip(s->r, ev);
    if (rc)
        s->rc = rc;
}

const char *lc__ps_ev_kind(const lc__event *ev)
{
    return ev->type == LC__EV_MAP      ? "a mapping"
           : ev->type == LC__EV_SEQ    ? "a sequence"
           : ev->type == LC__EV_SCALAR ? "a scalar"
                                       : "an alias";
}

/* Reads a number value; a non-scalar is reported and skipped. */
bool lc__ps_number(pload *s, const lc__event *ev, double *out)
{
    if (ev->type != LC__EV_SCALAR) {
        lc__ld_error(&s->ld, LC_DIAG_TYPE, ev->line, ev->col, "expected a number, got %s", lc__ps_ev_kind(ev));
        lc__ps_skip(s, ev);
        return false;
    }
    if (ev->has_num) { /* read already, by the rule lc__scalar_number would apply */
        *out = ev->num;
        return true;
    }
    return lc__scalar_number(&s->ld, ev->s, ev->len, ev->quoted, ev->line, ev->col, out);
}

bool lc__ps_string(pload *s, const lc__event *ev)
{
    if (ev->plain) /* a quoted string with nothing to check (lc__scalar_string) */
        return true;
    if (ev->type != LC__EV_SCALAR) {
        lc__ld_error(&s->ld, LC_DIAG_TYPE, ev->line, ev->col, "expected a string, got %s", lc__ps_ev_kind(ev));
        lc__ps_skip(s, ev);
        return false;
    }
    return lc__scalar_string(&s->ld, ev->s, ev->len, ev->quoted, ev->line, ev->col);
}

/* Skips the value that follows a key just read. */
void lc__ps_skip_value(pload *s)
{
    lc__event v;
    if (lc__ps_next(s, &v))
        lc__ps_skip(s, &v);
}

/* Skips a bad key "k" (a node, not a string) and the value after it. */
void lc__ps_skip_pair(pload *s, const lc__event *k)
{
    lc__ps_skip(s, k);
    lc__ps_skip_value(s);
}

/* Reads the next key of a mapping into "ev". Returns the index of the key in "keys",
 * -1 at the end of the mapping, -2 for a key that was reported and skipped with its
 * value. "seen" tracks duplicates (one bit per key). */
int lc__ps_next_key(pload *s, lc__event *ev, const lc__key *keys, int nkeys, unsigned *seen)
{
    for (;;) {
        if (lc__ps_stop(s) || !lc__ps_next(s, ev))
            return -1;
        if (ev->type == LC__EV_MAP_END)
            return -1;
        if (ev->type != LC__EV_SCALAR) {
            lc__ld_error(&s->ld, LC_DIAG_TYPE, ev->line, ev->col, "expected a key (a string), got %s",
                         lc__ps_ev_kind(ev));
            lc__ps_skip_pair(s, ev);
            continue;
        }
        int k = 0;
        while (k < nkeys && !(ev->len && keys[k].name[0] == ev->s[0] &&
                              strlen(keys[k].name) == ev->len &&
                              memcmp(keys[k].name, ev->s, ev->len) == 0))
            k++;
        if (k == nkeys || (*seen & (1u << k))) {
            if (k == nkeys) {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(ev->len < 63 ? ev->len : 63), ev->s);
                lc__ld_unknown_key(&s->ld, name, ev->line, ev->col, keys, (size_t)nkeys);
            } else {
                lc__ld_error(&s->ld, LC_DIAG_DUPLICATE, ev->line, ev->col, "duplicate key '%s'", keys[k].name);
            }
            lc__ps_skip_value(s);
            continue;
        }
        *seen |= 1u << k;
        return k;
    }
}

void lc__ps_missing_keys(pload *s, const lc__key *keys, int nkeys, unsigned seen,
                         unsigned line, unsigned col, const char *what)
{
    /* After a syntax error the mapping was cut short: its keys are not really missing. */
    if (s->rc != LC_OK)
        return;
    for (int k = 0; k < nkeys; k++)
        if (keys[k].required && !(seen & (1u << k)))
            lc__ld_error(&s->ld, LC_DIAG_MISSING, line, col, "%s is missing required key '%s'", what,
                         keys[k].name);
}

