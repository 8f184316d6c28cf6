/*
 * portfolio_acct.c - a portfolio's accounts and their positions, each value checked and
 * each problem located; and the scanner's setup, which a part of an accounts list read on
 * a thread of its own (portfolio_par.c) needs as much as the whole document.
 */
#include "base/prefix.h"

#include "load/pscan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ==== Positions ========================================================= */

enum { Q_MARKET, Q_QTY, Q_ENTRY, Q_ISO, Q_NKEYS };
static const lc__key pos_keys[Q_NKEYS] = {
    {"market", true}, {"qty", true}, {"entry", true}, {"isolated_margin", false}};

static lc__pos *new_position(pload *s)
{
    lc_portfolio *pf = s->pf;
    lc__pos *np = lc__grow(pf->pos, &pf->cap_pos, pf->n_pos, sizeof(*np), 1024);
    if (!np) {
        s->rc = LC_ENOMEM;
        return NULL;
    }
    pf->pos = np;
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
            if (fabs(x) > s->max_qty)
                s->max_qty = fabs(x);
        }
        break;
    case Q_ENTRY:
        if (lc__ps_number(s, v, &x)) {
            if (!(x > 0))
                lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col,
                             "expected an entry price above 0, got %.*s", (int)v->len, v->s);
            else
                p->entry = x;
            if (fabs(x) > s->max_entry)
                s->max_entry = fabs(x);
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
            if (fabs(x) > s->max_iso)
                s->max_iso = fabs(x);
        }
        break;
    }
}

/* The usual position, {"market": ..., "qty": ..., "entry": ...} on one line, maybe with
 * "isolated_margin" last, is read in one step; its values go through the same checks as
 * those read key by key. */
static const lc__flat_key flat_keys[] = {LC__FLAT_KEY("market"), LC__FLAT_KEY("qty"),
                                         LC__FLAT_KEY("entry"), LC__FLAT_KEY("isolated_margin")};
_Static_assert(Q_MARKET == 0 && Q_QTY == 1 && Q_ENTRY == 2 && Q_ISO == 3,
               "flat_keys are in key order");

/* A position from its MAP event "start"; "got" > 0 when its pairs are read already, in
 * "vals" (lc__reader_flat_item). */
static void load_position(pload *s, const lc__event *start, size_t acct, lc__event *vals,
                          int got)
{
    if (start->type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col,
                     "expected a position (a mapping with market, qty and entry), got %s",
                     lc__ps_ev_kind(start));
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
    if (got || (!lc__ps_stop(s) && (got = lc__reader_flat_map(s->r, flat_keys, 3, 4, vals)) != 0)) {
        /* As key by key: the scan stops where the error limit is reached. */
        for (int key = 0; key < got && !lc__ps_stop(s); key++) {
            seen |= 1u << key;
            position_value(s, key, &vals[key], p, acct, start);
        }
        if (seen == (1u << got) - 1)
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
                     lc__ps_ev_kind(start));
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
                     lc__ps_ev_kind(start));
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

/* Account "a"'s id into the set; the index of an account with the same id, else -1. A
 * slot keeps the id's hash beside the index: the set grows without hashing again, and a
 * probe reads an id only where the hashes agree. */
static long id_insert(pload *s, size_t a)
{
    lc_portfolio *pf = s->pf;
    if ((pf->n_accts + 1) * 2 > s->ids_cap) {
        size_t cap = s->ids_cap ? s->ids_cap * 2 : 1024;
        uint64_t *ids = lc__calloc(cap, sizeof(*ids));
        if (!ids) {
            s->rc = LC_ENOMEM;
            return -1;
        }
        for (size_t i = 0; i < s->ids_cap; i++) {
            uint64_t e = s->ids[i];
            if (!e)
                continue;
            size_t j = (e >> 32) & (cap - 1);
            while (ids[j])
                j = (j + 1) & (cap - 1);
            ids[j] = e;
        }
        lc__free(s->ids);
        s->ids = ids;
        s->ids_cap = cap;
    }
    const char *id = pf->accts[a].id;
    uint32_t h = lc__hash(id, strlen(id));
    size_t mask = s->ids_cap - 1, j = h & mask;
    for (; s->ids[j]; j = (j + 1) & mask) {
        uint64_t e = s->ids[j];
        if ((uint32_t)(e >> 32) == h && strcmp(pf->accts[(uint32_t)e - 1].id, id) == 0)
            return (long)(uint32_t)e - 1;
    }
    s->ids[j] = (uint64_t)h << 32 | ((uint32_t)a + 1);
    return -1;
}

bool lc__ps_id_taken(const pload *s, const char *id, uint32_t h)
{
    if (!s->ids_cap)
        return false;
    size_t mask = s->ids_cap - 1;
    for (size_t j = h & mask; s->ids[j]; j = (j + 1) & mask) {
        uint64_t e = s->ids[j];
        if ((uint32_t)(e >> 32) == h && strcmp(s->pf->accts[(uint32_t)e - 1].id, id) == 0)
            return true;
    }
    return false;
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
        if (lc__ps_number(s, v, &x)) {
            pf->accts[a].collateral = x;
            if (fabs(x) > s->max_collateral)
                s->max_collateral = fabs(x);
        }
        break;
    }
    case A_POSITIONS:
        if (v->type != LC__EV_SEQ) {
            lc__ld_error(&s->ld, LC_DIAG_VALUE, v->line, v->col, "expected 'positions' to be a list, got %s",
                         lc__ps_ev_kind(v));
            lc__ps_skip(s, v);
            break;
        }
        if (pf->accts[a].n) {
            /* Positions of one account must stay contiguous; reaching here means a
             * second 'positions' key, which next_key already refused. */
            lc__ps_skip(s, v);
            break;
        }
        /* Each usual position is taken with its '{' in one step; others event by event. */
        for (lc__event item, vals[4]; !lc__ps_stop(s);) {
            int got = lc__reader_flat_item(s->r, flat_keys, 3, 4, &item, vals);
            if (!got && (!lc__ps_next(s, &item) || item.type == LC__EV_SEQ_END))
                break;
            load_position(s, &item, a, vals, got);
        }
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

void lc__ps_load_account(pload *s, const lc__event *start)
{
    if (start->type != LC__EV_MAP) {
        lc__ld_error(&s->ld, LC_DIAG_VALUE, start->line, start->col,
                     "expected an account (a mapping with id, collateral and positions), got %s",
                     lc__ps_ev_kind(start));
        lc__ps_skip(s, start);
        return;
    }
    lc_portfolio *pf = s->pf;
    lc__acct *na = lc__grow(pf->accts, &pf->cap_accts, pf->n_accts, sizeof(*na), 256);
    if (!na) {
        s->rc = LC_ENOMEM;
        return;
    }
    pf->accts = na;
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

/* Sets up "s" over a new, empty portfolio. */
lc_status lc__ps_setup(pload *s, const lc_policy *pol, const char *name, lc_diags *diags,
                       int mode)
{
    size_t nm = pol->n_markets;
    memset(s, 0, sizeof(*s));
    s->pol = pol;
    s->mode = mode;
    s->ld.file = name;
    s->ld.diags = diags;
    lc_portfolio *pf = lc__calloc(1, sizeof(*pf));
    s->pf = pf;
    s->market_names = lc__calloc(nm, sizeof(*s->market_names));
    s->use_line = lc__calloc(nm, sizeof(unsigned));
    s->use_col = lc__calloc(nm, sizeof(unsigned));
    s->mark_line = lc__calloc(nm, sizeof(unsigned));
    s->seen_acct = lc__calloc(nm, sizeof(size_t));
    s->seen_line = lc__calloc(nm, sizeof(unsigned));
    if (!pf || !s->market_names || !s->use_line || !s->use_col || !s->mark_line ||
        !s->seen_acct || !s->seen_line)
        return LC_ENOMEM;
    pf->pol = pol;
    pf->as_of = (double)NAN;
    lc__arena_init(&pf->arena, 1 << 16);
    pf->marks = lc__malloc(nm * sizeof(double));
    if (!pf->marks)
        return LC_ENOMEM;
    for (size_t m = 0; m < nm; m++) {
        pf->marks[m] = (double)NAN;
        s->market_names[m] = pol->markets[m].name;
    }
    return LC_OK;
}

/* Frees the scanner's own arrays (not the portfolio). */
void lc__ps_release(pload *s)
{
    lc__free(s->market_names);
    lc__free(s->use_line);
    lc__free(s->use_col);
    lc__free(s->mark_line);
    lc__free(s->seen_acct);
    lc__free(s->seen_line);
    lc__free(s->ids);
    s->market_names = NULL;
    s->use_line = s->use_col = s->mark_line = s->seen_line = NULL;
    s->seen_acct = NULL;
    s->ids = NULL;
}

lc_status lc__ps_part_scan(pload *s, const lc_policy *pol, const char *name, const char *buf,
                           size_t len, unsigned line, bool open, lc_diags *diags)
{
    lc__behind *behind = s->behind; /* the one setting the caller made */
    lc_status rc = lc__ps_setup(s, pol, name, diags, SCAN_DOC);
    s->end = buf + len;
    s->behind = behind;
    s->behind_from = buf;
    if (rc == LC_OK)
        /* Accounts are items of a list two levels down: document, then 'accounts'. */
        rc = lc__reader_open_part(&s->r, name, buf, len, line, 2, open, diags);
    if (rc != LC_OK)
        return s->rc = rc;
    lc__event item;
    while (!lc__ps_stop(s) && lc__ps_next(s, &item) && item.type != LC__EV_SEQ_END) {
        lc__ps_load_account(s, &item);
        lc__ps_hand_back(s);
    }
    if (s->ld.oom)
        s->rc = LC_ENOMEM;
    return s->rc ? s->rc : s->ld.n_errors ? LC_EINPUT : LC_OK;
}

void lc__ps_part_release(pload *s)
{
    lc__reader_close(s->r);
    s->r = NULL;
    lc__ps_release(s);
    lc_portfolio_free(s->pf);
    s->pf = NULL;
}

