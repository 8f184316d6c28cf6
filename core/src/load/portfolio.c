/*
 * portfolio.c - reading a portfolio (accounts, positions) from YAML or JSON, whole or as a
 * run of an NDJSON stream's lines.
 *
 * The document is streamed, not built as a tree: a book of a million positions is read
 * straight into flat arrays, with every value checked and every problem located. Errors
 * do not stop the scan, but a portfolio with any error is refused whole.
 */
#include "base/prefix.h"

#include "load/load.h"
#include "load/pscan.h"

#include <math.h>
#include <string.h>
#include <pthread.h>

/* ==== Positions ========================================================= */

enum { Q_MARKET, Q_QTY, Q_ENTRY, Q_ISO, Q_NKEYS };
static const lc__key pos_keys[Q_NKEYS] = {
    {"market", true}, {"qty", true}, {"entry", true}, {"isolated_margin", false}};

static lc__pos *new_position(pload *s)
{
    lc_portfolio *pf = s->pf;
    if (pf->n_pos == pf->cap_pos) {
        size_t cap = pf->cap_pos ? pf->cap_pos * 2 : 1024;
        lc__pos *np = lc__realloc(pf->pos, cap * sizeof(*np));
        if (!np) {
            s->rc = LC_ENOMEM;
            return NULL;
        }
        pf->pos = np;
        pf->cap_pos = cap;
    }
    return &pf->pos[pf->n_pos++];
}

/* The value "v" of position key "key": checked and stored in "p", or reported. */
static void position_value(pload *s, int key, const lc__event *v, lc__pos *p, size_t acct,
                           const lc__event *start)
{
    double x;
    switch (key) {
    case Q_MARKET: {
        if (!lc__ps_string(s, v))
            break;
        long m = lc__policy_find(s->pol, v->s, v->len);
        if (m < 0) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(v->len < 63 ? v->len : 63), v->s);
            const char *hint = lc__did_you_mean(name, s->market_names, s->pol->n_markets);
            if (hint)
                lc__ld_error(&s->ld, LC_DIAG_REFERENCE, v->line, v->col,
                             "unknown market '%s' (did you mean '%s'?)", name, hint);
            else
                lc__ld_error(&s->ld, LC_DIAG_REFERENCE, v->line, v->col,
                             "unknown market '%s': the policy does not define it", name);
            break;
        }
        if (s->seen_acct[m] == acct + 1) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col,
                         "second position in '%s' for account '%s' (first at line %u); "
                         "expected one position per market (one-way mode)",
                         s->pol->markets[m].name,
                         s->pf->accts[acct].id ? s->pf->accts[acct].id : "?", s->seen_line[m]);
            break;
        }
        s->seen_acct[m] = acct + 1;
        s->seen_line[m] = start->line;
        if (!s->use_line[m]) {
            s->use_line[m] = v->line;
            s->use_col[m] = v->col;
        }
        p->market = (uint32_t)m;
        break;
    }
    case Q_QTY:
        if (lc__ps_number(s, v, &x)) {
            if (x == 0)
                lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col,
                             "expected a non-zero qty (positive long, negative short), got %.*s",
                             (int)v->len, v->s);
            else
                p->qty = x;
        }
        break;
    case Q_ENTRY:
        if (lc__ps_number(s, v, &x)) {
            if (!(x > 0))
                lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col,
                             "expected an entry price above 0, got %.*s", (int)v->len, v->s);
            else
                p->entry = x;
        }
        break;
    case Q_ISO:
        if (lc__ps_number(s, v, &x)) {
            if (x < 0)
                lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col,
                             "expected an isolated_margin of at least 0, got %.*s", (int)v->len,
                             v->s);
            else
                p->iso_margin = x;
        }
        break;
    }
}

/* The usual position, {"market": ..., "qty": ..., "entry": ...} on one line, is read in
 * one step; its values go through the same checks as those read key by key. */
static const lc__flat_key flat_keys[] = {LC__FLAT_KEY("market"), LC__FLAT_KEY("qty"),
                                         LC__FLAT_KEY("entry")};
_Static_assert(Q_MARKET == 0 && Q_QTY == 1 && Q_ENTRY == 2, "flat_keys are in key order");

static void load_position(pload *s, const lc__event *start, size_t acct)
{
    if (start->type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col,
                     "expected a position (a mapping with market, qty and entry), got %s",
                     start->type == LC__EV_SCALAR ? "a scalar" : lc__ps_ev_kind(start));
        lc__ps_skip(s, start);
        return;
    }
    lc__pos *p = new_position(s);
    if (!p)
        return;
    p->qty = p->entry = (double)NAN;
    p->iso_margin = (double)NAN;
    p->market = UINT32_MAX;
    p->line = start->line;
    s->pf->accts[acct].n++;

    unsigned seen = 0;
    lc__event vals[3];
    if (!lc__ps_stop(s) && lc__reader_flat_map(s->r, flat_keys, 3, vals)) {
        /* As key by key: the scan stops where the error limit is reached. */
        for (int key = 0; key < 3 && !lc__ps_stop(s); key++) {
            seen |= 1u << key;
            position_value(s, key, &vals[key], p, acct, start);
        }
        if (seen == 7)
            return;
    } else {
        lc__event k, v;
        int key;
        while ((key = lc__ps_next_key(s, &k, pos_keys, Q_NKEYS, &seen)) != -1) {
            if (key < 0 || !lc__ps_next(s, &v))
                continue;
            position_value(s, key, &v, p, acct, start);
        }
    }
    lc__ps_missing_keys(s, pos_keys, Q_NKEYS, seen, start->line, start->col, "a position");
}

/* ==== Accounts ========================================================== */

enum { A_ID, A_COLLATERAL, A_POSITIONS, A_TAGS, A_CREATED, A_META, A_NKEYS };
static const lc__key acct_keys[A_NKEYS] = {
    {"id", true},    {"collateral", true}, {"positions", false},
    {"tags", false}, {"created", false},   {"meta", false}};

/* 'tags': a list of strings. */
static void load_tags(pload *s, const lc__event *start, lc__acct *ac)
{
    if (start->type != LC__EV_SEQ) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col, "expected 'tags' to be a list of strings, got %s",
                     start->type == LC__EV_SCALAR ? "a scalar" : lc__ps_ev_kind(start));
        lc__ps_skip(s, start);
        return;
    }
    const char *tmp[256];
    size_t n = 0;
    lc__event e;
    while (!lc__ps_stop(s) && lc__ps_next(s, &e) && e.type != LC__EV_SEQ_END) {
        if (!lc__ps_string(s, &e))
            continue;
        if (n == LC_ARRAY_LEN(tmp)) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, e.line, e.col, "expected at most %zu tags", LC_ARRAY_LEN(tmp));
            continue;
        }
        tmp[n] = lc__arena_strndup(&s->pf->arena, e.s, e.len);
        if (!tmp[n]) {
            s->rc = LC_ENOMEM;
            return;
        }
        n++;
    }
    ac->tags = lc__arena_alloc(&s->pf->arena, (n ? n : 1) * sizeof(*ac->tags));
    if (!ac->tags) {
        s->rc = LC_ENOMEM;
        return;
    }
    memcpy(ac->tags, tmp, n * sizeof(*tmp));
    ac->n_tags = n;
}

/* 'meta': free keys with scalar values, handed to scripts as they are. */
static void load_meta(pload *s, const lc__event *start, lc__acct *ac)
{
    if (start->type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col, "expected 'meta' to be a mapping, got %s",
                     start->type == LC__EV_SCALAR ? "a scalar" : lc__ps_ev_kind(start));
        lc__ps_skip(s, start);
        return;
    }
    lc__meta tmp[128];
    size_t n = 0;
    lc__event k, v;
    while (!lc__ps_stop(s) && lc__ps_next(s, &k) && k.type != LC__EV_MAP_END) {
        if (k.type != LC__EV_SCALAR) {
            lc__ld_error(&s->ld, LC_DIAG_TYPE, k.line, k.col, "expected a key (a string), got %s", lc__ps_ev_kind(&k));
            lc__ps_skip_pair(s, &k);
            continue;
        }
        char *key = lc__arena_strndup(&s->pf->arena, k.s, k.len);
        if (!key || !lc__ps_next(s, &v)) {
            if (!key)
                s->rc = LC_ENOMEM;
            return;
        }
        if (v.type != LC__EV_SCALAR) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v.line, v.col, "expected a scalar value for meta key '%s', got %s",
                         key, lc__ps_ev_kind(&v));
            lc__ps_skip(s, &v);
            continue;
        }
        if (n == LC_ARRAY_LEN(tmp)) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, k.line, k.col, "expected at most %zu meta keys", LC_ARRAY_LEN(tmp));
            continue;
        }
        lc__meta *m = &tmp[n++];
        memset(m, 0, sizeof(*m));
        m->key = key;
        m->str = lc__arena_strndup(&s->pf->arena, v.s, v.len);
        if (!m->str) {
            s->rc = LC_ENOMEM;
            return;
        }
        if (!v.quoted && lc__parse_number(v.s, v.len, &m->num) && isfinite(m->num))
            m->is_num = true;
        else if (!v.quoted && ((v.len == 4 && !memcmp(v.s, "true", 4)) ||
                               (v.len == 5 && !memcmp(v.s, "false", 5)))) {
            m->is_bool = true;
            m->num = v.len == 4;
        }
    }
    ac->meta = lc__arena_alloc(&s->pf->arena, (n ? n : 1) * sizeof(*ac->meta));
    if (!ac->meta) {
        s->rc = LC_ENOMEM;
        return;
    }
    memcpy(ac->meta, tmp, n * sizeof(*tmp));
    ac->n_meta = n;
}

/* Inserts account "a" into the id set; returns the index of an earlier account with the
 * same id, or -1. */
static long id_insert(pload *s, size_t a)
{
    lc_portfolio *pf = s->pf;
    if ((pf->n_accts + 1) * 2 > s->ids_cap) {
        size_t cap = s->ids_cap ? s->ids_cap * 2 : 1024;
        uint32_t *ids = lc__calloc(cap, sizeof(*ids));
        if (!ids) {
            s->rc = LC_ENOMEM;
            return -1;
        }
        for (size_t i = 0; i < s->ids_cap; i++) {
            uint32_t e = s->ids[i];
            if (!e)
                continue;
            const char *id = pf->accts[e - 1].id;
            size_t j = lc__hash(id, strlen(id)) & (cap - 1);
            while (ids[j])
                j = (j + 1) & (cap - 1);
            ids[j] = e;
        }
        lc__free(s->ids);
        s->ids = ids;
        s->ids_cap = cap;
    }
    const char *id = pf->accts[a].id;
    size_t len = strlen(id), mask = s->ids_cap - 1;
    size_t j = lc__hash(id, len) & mask;
    while (s->ids[j]) {
        if (strcmp(pf->accts[s->ids[j] - 1].id, id) == 0)
            return (long)s->ids[j] - 1;
        j = (j + 1) & mask;
    }
    s->ids[j] = (uint32_t)a + 1;
    return -1;
}

/* The value "v" of account key "key" for account "a": checked and stored, or reported. */
static void account_value(pload *s, int key, const lc__event *v, size_t a, bool *id_ok)
{
    lc_portfolio *pf = s->pf;
    switch (key) {
    case A_ID:
        if (!lc__ps_string(s, v))
            break;
        if (v->len == 0) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col, "expected an account id, got an empty string");
            break;
        }
        pf->accts[a].id = lc__arena_strndup(&pf->arena, v->s, v->len);
        if (!pf->accts[a].id) {
            s->rc = LC_ENOMEM;
            break;
        }
        *id_ok = true;
        break;
    case A_COLLATERAL: {
        double x;
        if (lc__ps_number(s, v, &x))
            pf->accts[a].collateral = x;
        break;
    }
    case A_POSITIONS:
        if (v->type != LC__EV_SEQ) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col, "expected 'positions' to be a list, got %s",
                         v->type == LC__EV_SCALAR ? "a scalar" : lc__ps_ev_kind(v));
            lc__ps_skip(s, v);
            break;
        }
        if (pf->accts[a].n) {
            /* Positions of one account must stay contiguous; reaching here means a
             * second 'positions' key, which next_key already refused. */
            lc__ps_skip(s, v);
            break;
        }
        lc__event item;
        while (!lc__ps_stop(s) && lc__ps_next(s, &item) && item.type != LC__EV_SEQ_END)
            load_position(s, &item, a);
        break;
    case A_TAGS:
        load_tags(s, v, &pf->accts[a]);
        break;
    case A_CREATED:
        if (lc__ps_string(s, v) && !lc__parse_time(v->s, v->len, &pf->accts[a].created))
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col,
                         "expected a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM:SSZ), got '%.*s'",
                         (int)(v->len > 40 ? 40 : v->len), v->s);
        break;
    case A_META:
        load_meta(s, v, &pf->accts[a]);
        break;
    }
}

static const lc__flat_key acct_flat_keys[] = {LC__FLAT_KEY("id"), LC__FLAT_KEY("collateral")};
static const lc__flat_key positions_key = LC__FLAT_KEY("positions");
_Static_assert(A_ID == 0 && A_COLLATERAL == 1, "acct_flat_keys are in key order");

static void load_account(pload *s, const lc__event *start)
{
    if (start->type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col,
                     "expected an account (a mapping with id, collateral and positions), got %s",
                     start->type == LC__EV_SCALAR ? "a scalar" : lc__ps_ev_kind(start));
        lc__ps_skip(s, start);
        return;
    }
    lc_portfolio *pf = s->pf;
    if (pf->n_accts == pf->cap_accts) {
        size_t cap = pf->cap_accts ? pf->cap_accts * 2 : 256;
        lc__acct *na = lc__realloc(pf->accts, cap * sizeof(*na));
        if (!na) {
            s->rc = LC_ENOMEM;
            return;
        }
        pf->accts = na;
        pf->cap_accts = cap;
    }
    size_t a = pf->n_accts++;
    lc__acct *ac = &pf->accts[a];
    memset(ac, 0, sizeof(*ac));
    ac->collateral = (double)NAN;
    ac->created = (double)NAN;
    ac->first = pf->n_pos;

    unsigned seen = 0;
    bool id_ok = false;
    /* The usual account, {"id": ..., "collateral": ..., "positions": [ on one line, is
     * read to its positions in one step. */
    lc__event v, vals[2];
    if (!lc__ps_stop(s) && lc__reader_flat_open(s->r, acct_flat_keys, 2, vals, &positions_key, &v)) {
        for (int key = 0; key < 2 && !lc__ps_stop(s); key++) {
            seen |= 1u << key;
            account_value(s, key, &vals[key], a, &id_ok);
        }
        if (!lc__ps_stop(s)) {
            seen |= 1u << A_POSITIONS;
            account_value(s, A_POSITIONS, &v, a, &id_ok);
        }
    }
    lc__event k;
    int key;
    while ((key = lc__ps_next_key(s, &k, acct_keys, A_NKEYS, &seen)) != -1) {
        if (key < 0 || !lc__ps_next(s, &v))
            continue;
        account_value(s, key, &v, a, &id_ok);
    }
    lc__ps_missing_keys(s, acct_keys, A_NKEYS, seen, start->line, start->col, "an account");
    if (id_ok) {
        long dup = id_insert(s, a);
        /* In a stream, where lists have no numbers a reader sees, name the first's line:
         * accounts of a stream start a line each, and the first position's line is it. */
        const lc__acct *first = dup >= 0 ? &pf->accts[dup] : NULL;
        if (first && s->mode == SCAN_ACCOUNTS && first->n)
            lc__ld_error(&s->ld, LC_DIAG_DUPLICATE, start->line, start->col,
                         "duplicate account id '%s' (also the id of the account on line %u)",
                         pf->accts[a].id, (unsigned)pf->pos[first->first].line);
        else if (first)
            lc__ld_error(&s->ld, LC_DIAG_DUPLICATE, start->line, start->col,
                         "duplicate account id '%s' (also the id of account %ld in the list)",
                         pf->accts[a].id, dup + 1);
    }
}

static void load_accounts(pload *s, const lc__event *start)
{
    if (start->type != LC__EV_SEQ) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col, "expected 'accounts' to be a list, got %s",
                     start->type == LC__EV_SCALAR ? "a scalar" : lc__ps_ev_kind(start));
        lc__ps_skip(s, start);
        return;
    }
    lc__event item;
    while (!lc__ps_stop(s) && lc__ps_next(s, &item) && item.type != LC__EV_SEQ_END)
        load_account(s, &item);
}

/* ==== Document ========================================================== */

enum { D_MARKS, D_ACCOUNTS, D_AS_OF, D_OI, D_NKEYS };
static const lc__key doc_keys[D_NKEYS] = {
    {"marks", true}, {"accounts", true}, {"as_of", false}, {"open_interest", false}};

static void load_doc(pload *s)
{
    lc__event ev;
    if (!lc__ps_next(s, &ev))
        return;
    if (s->mode == SCAN_ACCOUNTS) {
        load_accounts(s, &ev);
        return;
    }
    if (s->mode == SCAN_HEAD) {
        lc__ps_load_head(s, &ev);
        return;
    }
    if (ev.type == LC__EV_END) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, 1, 1, "expected a portfolio (a mapping with 'marks' and "
                                   "'accounts'), got an empty document");
        return;
    }
    if (ev.type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, ev.line, ev.col,
                     "expected a portfolio (a mapping with 'marks' and 'accounts'), got %s",
                     ev.type == LC__EV_SCALAR ? "a scalar" : lc__ps_ev_kind(&ev));
        return;
    }
    unsigned line = ev.line, col = ev.col, seen = 0;
    lc__event k, v;
    int key;
    while ((key = lc__ps_next_key(s, &k, doc_keys, D_NKEYS, &seen)) != -1) {
        if (key < 0 || !lc__ps_next(s, &v))
            continue;
        if (v.type == LC__EV_ALIAS) {
            lc__ld_error(&s->ld, LC_DIAG_SYNTAX, v.line, v.col, "aliases are not supported in portfolios");
            continue;
        }
        if (key == D_MARKS) {
            lc__ps_load_marks(s, &v);
        } else if (key == D_ACCOUNTS) {
            load_accounts(s, &v);
        } else if (key == D_OI) {
            lc__ps_load_open_interest(s, &v);
        } else if (lc__ps_string(s, &v) && !lc__parse_time(v.s, v.len, &s->pf->as_of)) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v.line, v.col,
                         "expected 'as_of' as a date (YYYY-MM-DD) or time "
                         "(YYYY-MM-DDTHH:MM:SSZ), got '%.*s'",
                         (int)(v.len > 40 ? 40 : v.len), v.s);
        }
    }
    if (lc__ps_stop(s))
        return;
    lc__ps_missing_keys(s, doc_keys, D_NKEYS, seen, line, col, "the portfolio");
    if (lc__ps_next(s, &ev) && ev.type != LC__EV_END)
        lc__ld_error(&s->ld, LC_DIAG_VALUE, ev.line, ev.col, "expected the end of the portfolio");
}

static void check_marks(pload *s)
{
    for (size_t m = 0; m < s->pol->n_markets; m++)
        if (s->use_line[m] && isnan(s->pf->marks[m]) && !s->mark_line[m])
            lc__ld_error(&s->ld, LC_DIAG_REFERENCE, s->use_line[m], s->use_col[m],
                         "no mark price for market '%s'; expected it under 'marks'",
                         s->pol->markets[m].name);
    /* A market that scales its margin by open interest cannot be judged without it. */
    for (size_t m = 0; m < s->pol->n_markets; m++) {
        const lc__margin *g = s->pol->markets[m].margin;
        if (s->use_line[m] && g && g->scheme == LC__SCHEME_OI && g->oi_upper > 0 &&
            (!s->pf->oi || isnan(s->pf->oi[m])))
            lc__ld_error(&s->ld, LC_DIAG_REFERENCE, s->use_line[m], s->use_col[m],
                         "no open interest for market '%s', whose margin scales with it "
                         "(scheme open_interest); expected it under 'open_interest'",
                         s->pol->markets[m].name);
    }
}

/* Every figure the evaluation derives from the inputs must be a finite double: a
 * product or sum that overflows would print as null, which the report reserves for
 * "does not exist". Such a portfolio is refused where the overflow starts. */
static void check_finite(pload *s)
{
    const lc_portfolio *pf = s->pf;
    char a[40], b[40], c[40];
    for (size_t i = 0; i < pf->n_accts; i++) {
        const lc__acct *ac = &pf->accts[i];
        double notional = 0, upnl = 0;
        for (size_t k = 0; k < ac->n; k++) {
            const lc__pos *p = &pf->pos[ac->first + k];
            double mark = pf->marks[p->market];
            double q = fabs(p->qty);
            double pu = p->qty * (mark - p->entry);
            if (!isfinite(q * mark) || !isfinite(q * p->entry) || !isfinite(pu)) {
                lc__ld_error(&s->ld, LC_DIAG_OVERFLOW, p->line, 1,
                             "qty %s at mark %s or entry %s is too large: its notional or PnL "
                             "overflows", lc__numstr(p->qty, a), lc__numstr(mark, b),
                             lc__numstr(p->entry, c));
                return;
            }
            if (!isnan(p->iso_margin) && !isfinite(p->iso_margin + pu)) {
                lc__ld_error(&s->ld, LC_DIAG_OVERFLOW, p->line, 1, "isolated margin plus PnL overflows");
                return;
            }
            if (isnan(p->iso_margin)) {
                notional += q * mark;
                upnl += pu;
            }
            if (!isfinite(notional) || !isfinite(ac->collateral + upnl)) {
                lc__ld_error(&s->ld, LC_DIAG_OVERFLOW, p->line, 1,
                             "account '%s' is too large: its notional or equity overflows here",
                             ac->id);
                return;
            }
        }
    }
}

/* ==== Entry points ====================================================== */

static lc_status scan(const lc_policy *pol, const char *name, const char *buf, size_t len,
                      bool json, lc_portfolio **pp, lc_diags *diags, int mode,
                      const lc_portfolio *head, unsigned first_line)
{
    size_t nm = pol->n_markets;
    pload s;
    memset(&s, 0, sizeof(s));
    s.pol = pol;
    s.mode = mode;
    s.head = head;
    s.ld.file = name;
    s.ld.diags = diags;
    lc_portfolio *pf = lc__calloc(1, sizeof(*pf));
    s.pf = pf;
    s.market_names = lc__calloc(nm, sizeof(*s.market_names));
    s.use_line = lc__calloc(nm, sizeof(unsigned));
    s.use_col = lc__calloc(nm, sizeof(unsigned));
    s.mark_line = lc__calloc(nm, sizeof(unsigned));
    s.seen_acct = lc__calloc(nm, sizeof(size_t));
    s.seen_line = lc__calloc(nm, sizeof(unsigned));
    lc_status rc = LC_ENOMEM;
    if (!pf || !s.market_names || !s.use_line || !s.use_col || !s.mark_line || !s.seen_acct ||
        !s.seen_line)
        goto out;
    pf->pol = pol;
    pf->as_of = (double)NAN;
    lc__arena_init(&pf->arena, 1 << 16);
    pf->marks = lc__malloc(nm * sizeof(double));
    if (!pf->marks)
        goto out;
    for (size_t m = 0; m < nm; m++) {
        pf->marks[m] = (double)NAN;
        s.market_names[m] = pol->markets[m].name;
    }
    if (head) {
        /* A run of a stream's accounts: they read the stream's first line. */
        memcpy(pf->marks, head->marks, nm * sizeof(double));
        if (head->oi) {
            if (!(pf->oi = lc__malloc((nm ? nm : 1) * sizeof(double))))
                goto out;
            memcpy(pf->oi, head->oi, nm * sizeof(double));
        }
        pf->as_of = head->as_of;
    }
    if ((rc = lc__reader_open(&s.r, name, buf, len, json, diags)) != LC_OK)
        goto out;
    if (first_line > 1)
        lc__reader_set_line(s.r, first_line);
    load_doc(&s);
    lc__reader_close(s.r);
    s.r = NULL;
    if (s.rc == LC_OK && s.ld.n_errors < MAX_ERRORS)
        check_marks(&s);
    if (s.rc == LC_OK && s.ld.n_errors == 0)
        check_finite(&s);
    if (s.ld.oom)
        s.rc = LC_ENOMEM;
    if (s.rc == LC_OK && s.ld.n_errors >= MAX_ERRORS)
        lc__diag_add(diags, LC_SEV_NOTE, LC_DIAG_LIMIT, name, 0, 0, "stopped after %d errors", MAX_ERRORS);
    rc = s.rc ? s.rc : s.ld.n_errors ? LC_EINPUT : LC_OK;
out:
    lc__free(s.market_names);
    lc__free(s.use_line);
    lc__free(s.use_col);
    lc__free(s.mark_line);
    lc__free(s.seen_acct);
    lc__free(s.seen_line);
    lc__free(s.ids);
    if (rc == LC_OK)
        *pp = pf;
    else
        lc_portfolio_free(pf);
    return rc;
}

/* The syntax a portfolio is read in: as asked; else by the name's extension (.json, or
 * .yaml/.yml); else JSON when the text opens with '{' or '['. There is no second try in
 * the other syntax: strict JSON stays strict, and a document refused at a limit is not
 * parsed again. */
static bool read_as_json(const char *name, const char *buf, size_t len, lc_input_format fmt)
{
    if (fmt == LC_INPUT_JSON || fmt == LC_INPUT_YAML)
        return fmt == LC_INPUT_JSON;
    const char *dot = strrchr(name, '.');
    if (dot && strchr(dot, '/') == NULL) {
        if (strcmp(dot, ".json") == 0)
            return true;
        if (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)
            return false;
    }
    return lc__looks_like_json(buf, len);
}

#define HASH_THREAD_BYTES ((size_t)4 << 20)

typedef struct hash_job {
    const char *buf;
    size_t len;
    char hex[LC__SHA256_HEX];
} hash_job;

static void *hash_run(void *arg)
{
    hash_job *j = arg;
    lc__sha256_hex(j->buf, j->len, j->hex);
    return NULL;
}

lc_status lc_portfolio_load_buffer_as(const lc_policy *pol, const char *name, const char *buf,
                                      size_t len, lc_input_format fmt, lc_portfolio **pp,
                                      lc_diags *diags)
{
    if (!pp || !pol || !name || (!buf && len))
        return LC_EINVAL;
    *pp = NULL;
    if (!buf)
        buf = "";
    bool json = read_as_json(name, buf, len, fmt);
    unsigned before = diags ? diags->n_errors : 0;
    /* The provenance's hash of the bytes, for a large book on a thread of its own while
     * the text is parsed (it needs only the bytes; the result waits for both). */
    hash_job job = {buf, len, ""};
    pthread_t t;
    bool threaded = len >= HASH_THREAD_BYTES && pthread_create(&t, NULL, hash_run, &job) == 0;
    lc_status rc = scan(pol, name, buf, len, json, pp, diags, SCAN_DOC, NULL, 1);
    if (threaded)
        pthread_join(t, NULL);
    if (rc == LC_OK) {
        /* For the report's provenance: which bytes it was computed from. */
        lc_portfolio *pf = *pp;
        if (threaded)
            memcpy(pf->sha256, job.hex, sizeof pf->sha256);
        else
            lc__sha256_hex(buf, len, pf->sha256);
        if (!(pf->path = lc__arena_strndup(&pf->arena, name, strlen(name)))) {
            lc_portfolio_free(pf);
            *pp = NULL;
            rc = LC_ENOMEM;
        }
    }
    /* Say why a '{' document met the JSON parser: it may be meant as YAML flow style. */
    if (rc == LC_EINPUT && json && fmt == LC_INPUT_AUTO && diags && diags->n_errors > before &&
        !(strrchr(name, '.') && strcmp(strrchr(name, '.'), ".json") == 0)) {
        size_t i = 0;
        while (i < len && strchr(" \t\r\n", buf[i]))
            i++;
        for (lc_diag *r = diags->head; r; r = r->next) {
            if (r->code == LC_DIAG_SYNTAX && r->severity == LC_SEV_ERROR) {
                lc__diag_add(diags, LC_SEV_NOTE, LC_DIAG_SYNTAX, name, 0, 0,
                             "read as JSON because it starts with '%c'; YAML flow style needs a "
                             ".yaml name or the YAML input format",
                             i < len ? buf[i] : '{');
                break;
            }
        }
    }
    return rc;
}

lc_status lc_portfolio_load_buffer(const lc_policy *pol, const char *name, const char *buf,
                                   size_t len, lc_portfolio **pp, lc_diags *diags)
{
    return lc_portfolio_load_buffer_as(pol, name, buf, len, LC_INPUT_AUTO, pp, diags);
}

lc_status lc_portfolio_load_as(const lc_policy *pol, const char *path, lc_input_format fmt,
                               lc_portfolio **pp, lc_diags *diags)
{
    if (!pp || !pol || !path)
        return LC_EINVAL;
    *pp = NULL;
    lc__file f;
    lc_status rc = lc__file_open(&f, path, diags);
    if (rc)
        return rc;
    rc = lc_portfolio_load_buffer_as(pol, strcmp(path, "-") == 0 ? "<stdin>" : path, f.data,
                                     f.len, fmt, pp, diags);
    lc__file_close(&f);
    return rc;
}

lc_status lc_portfolio_load(const lc_policy *pol, const char *path, lc_portfolio **pp,
                            lc_diags *diags)
{
    return lc_portfolio_load_as(pol, path, LC_INPUT_AUTO, pp, diags);
}

void lc_portfolio_free(lc_portfolio *pf)
{
    if (!pf)
        return;
    lc__arena_free(&pf->arena);
    lc__free(pf->marks);
    lc__free(pf->oi);
    lc__free(pf->accts);
    lc__free(pf->pos);
    lc__free(pf);
}

size_t lc_portfolio_account_count(const lc_portfolio *pf)
{
    return pf->n_accts;
}

size_t lc_portfolio_position_count(const lc_portfolio *pf)
{
    return pf->n_pos;
}

lc_status lc__portfolio_load_head(const lc_policy *pol, const char *name, const char *buf,
                                  size_t len, bool json, lc_portfolio **pp, lc_diags *diags)
{
    *pp = NULL;
    return scan(pol, name, buf ? buf : "", len, json, pp, diags, SCAN_HEAD, NULL, 1);
}

lc_status lc__portfolio_load_chunk(const lc_policy *pol, const char *name, const char *buf,
                                   size_t len, unsigned first_line, const lc_portfolio *head,
                                   lc_portfolio **pp, lc_diags *diags)
{
    *pp = NULL;
    return scan(pol, name, buf, len, true, pp, diags, SCAN_ACCOUNTS, head, first_line);
}
