/*
 * test_flat.c - the one-step read of a usual JSON position gives exactly what reading it
 * event by event gives: the same positions, the same diagnostics at the same line and
 * column, the same refusal.
 *
 * Generated books mix the usual shape with every way of leaving it (other key orders,
 * extra, unknown, duplicate and missing keys, escapes, non-ASCII, newlines inside a
 * position, bad values, broken syntax); each is loaded with the one-step read and with
 * it switched off, and the two loads are compared whole.
 */
#include "helpers.h"

#include "load/pscan.h"
#include "model/portfolio.h"
#include "syntax/reader.h"

#include <stdio.h>
#include <stdlib.h>

static const char policy[] = "levcal: 1\npolicy: {id: p, version: 1}\n"
                             "markets:\n"
                             "  BTCUSDT: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n"
                             "  ETHUSDT: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n"
                             "  SOLUSDT: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n";

static uint64_t rng = 0x2545F4914F6CDD1Du;

/* Some books are long and full of mistakes: the loader stops at its error limit, at
 * every point of an account or a position in turn. */
static bool bad;

static unsigned pick(unsigned n)
{
    return (unsigned)(test_rand(&rng) >> 33) % n;
}

typedef struct strbuf {
    char *p;
    size_t len, cap;
} strbuf;

static void put(strbuf *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->len, s, n + 1);
    t->len += n;
}

static const char *space(void)
{
    static const char *const sp[] = {"", "", "", " ", "  ", "\t"};
    return sp[pick(6)];
}

/* Some books give no mark for SOLUSDT and use it only in their later accounts: the
 * error names its first use, which a part read by another thread saw. */
static bool sol_late, sol_now;

static const char *market(void)
{
    static const char *const m[] = {"\"BTCUSDT\"", "\"ETHUSDT\"", "\"SOLUSDT\"", "\"BTCUSDT\"",
                                    "\"BTCUSD\"",  "\"ETH\\u0055SDT\"", "\"SOL\xc3\xa9\"",
                                    "5",           "\"\"",         "null",  "[\"BTCUSDT\"]",
                                    /* past a word of eight: clean, and with each kind
                                     * of byte the one-step reader leaves to the other */
                                    "\"BTCUSDT-PERPETUAL\"", "\"ABCDEFGHI\\\"J\"",
                                    "\"ABCDEFGHI\xc3\xa9\"", "\"ABCDEFGHIJ\x01\"",
                                    "\"ABCDEFGHIJKLMNOP\"", "\"ABCDEFGHIJKLMNO"};
    const char *r = pick(bad ? 4 : 12) ? m[pick(3)] : m[pick(17)];
    return sol_late && !sol_now && r == m[2] ? m[1] : r;
}

static const char *number(bool entry)
{
    static const char *const ok[] = {"0.5", "-3", "1e4", "60000", "2500.25", "-0.001", "7",
                                     /* plain decimals at and past the one-step limits: 19
                                      * digits, 2^53, 22 decimals, a point at either end */
                                     "1234567890123456789", "12345678901234567890",
                                     "9007199254740992", "9007199254740993",
                                     "0.1234567890123456789", "0.0000000000000000000001",
                                     "0.00000000000000000000001", "5.", "00012.50", "-12."};
    static const char *const odd[] = {"0",     "-0",   "\"1.5\"", "true",  "1e400", "-1",
                                      "NaN",   "1.2.3", "nul",    "{}",    "+5",    "0x10",
                                      "Infinity", ".5", "1E2",    "-", "+", ".", "-.", "1-2",
                                      "1.5e-3", "2..5"};
    if (pick(bad ? 2 : 12))
        return entry ? ok[3 + pick(2)] : ok[pick(4) ? pick(7) : 7 + pick(10)];
    return odd[pick(22)];
}

/* One position: usually the usual shape, else one of the ways out of it. */
static void position(strbuf *t)
{
    const char *key[4] = {"market", "qty", "entry", "isolated_margin"};
    const char *val[4] = {market(), number(false), number(true), "100"};
    int order[5] = {0, 1, 2, -1, -1}, n = 3;
    switch (pick(bad ? 12 : 30)) {
    case 0: /* another order */
        order[0] = 2, order[2] = 0;
        break;
    case 1: /* isolated */
        order[n++] = 3;
        break;
    case 2: /* a key missing */
        order[pick(3)] = order[2], n = 2;
        break;
    case 3: /* a key twice */
        order[n++] = (int)pick(3);
        break;
    case 4: /* an unknown key */
        order[n++] = 4;
        break;
    default:
        break;
    }
    /* Half the time spaced as most writers do (", " and ": ", which the reader takes
     * in one comparison), now and then with a blank more after the colon. */
    bool usual = pick(2);
    put(t, "{");
    for (int i = 0; i < n; i++) {
        put(t, usual ? "" : space());
        if (i) {
            put(t, ",");
            put(t, usual ? " " : pick(20) ? space() : "\n  ");
        }
        if (order[i] == 4)
            put(t, pick(2) ? "\"markt\"" : "\"qty \"");
        else if (order[i] == 0 && !pick(20))
            put(t, "\"m\\u0061rket\"");
        else {
            put(t, "\"");
            put(t, key[order[i]]);
            put(t, "\"");
        }
        put(t, usual ? "" : space());
        put(t, ":");
        put(t, usual ? (pick(10) ? " " : "  ") : space());
        put(t, order[i] == 4 ? "1" : val[order[i]]);
    }
    put(t, space());
    put(t, pick(40) ? "}" : "");
}

/* An account's start: usually {"id": ..., "collateral": ..., "positions": [, else one
 * of the ways out of it. Returns whether it opened the positions list. */
static bool account_head(strbuf *t, unsigned a)
{
    char id[32];
    snprintf(id, sizeof id, "\"a%u\"", pick(bad ? 5 : 30) ? a : 0);
    static const char *const odd_ids[] = {"\"\"", "5", "null", "\"a\\u0031\"", "[\"a\"]"};
    static const char *const collateral[] = {"1000", "250.5", "0", "-5", "\"9\"", "true", "1e999"};
    const char *idv = pick(bad ? 2 : 20) ? id : odd_ids[pick(5)];
    const char *col = pick(bad ? 2 : 12) ? collateral[pick(2)] : collateral[pick(7)];
    put(t, "{");
    switch (pick(bad ? 10 : 20)) {
    case 0: /* positions first */
        put(t, "\"positions\": [");
        return true;
    case 1: /* collateral first */
        put(t, "\"collateral\": ");
        put(t, col);
        put(t, ", \"id\": ");
        put(t, idv);
        break;
    case 2: /* an id only */
        put(t, "\"id\": ");
        put(t, idv);
        break;
    case 3: /* a newline inside */
        put(t, "\"id\": ");
        put(t, idv);
        put(t, ",\n \"collateral\": ");
        put(t, col);
        break;
    case 4: /* tags between */
        put(t, "\"id\": ");
        put(t, idv);
        put(t, ", \"collateral\": ");
        put(t, col);
        put(t, ", \"tags\": [\"vip\"]");
        break;
    default:
        put(t, "\"id\":");
        put(t, space());
        put(t, idv);
        put(t, space());
        put(t, ",");
        put(t, space());
        put(t, "\"collateral\"");
        put(t, space());
        put(t, ":");
        put(t, col);
        break;
    }
    switch (pick(12)) {
    case 0: /* no positions */
        return false;
    case 1: /* positions that are no list */
        put(t, ", \"positions\": {}");
        return false;
    case 2:
        put(t, ", \"positions\" : \t[");
        return true;
    default:
        put(t, ", \"positions\": [");
        return true;
    }
}

static char *book(void)
{
    strbuf t = {0};
    sol_late = !pick(5);
    put(&t, sol_late ? "{\"marks\": {\"BTCUSDT\": 62000, \"ETHUSDT\": 3100},\n"
                     : "{\"marks\": {\"BTCUSDT\": 62000, \"ETHUSDT\": 3100, \"SOLUSDT\": 150},\n");
    put(&t, " \"accounts\": [\n");
    bad = !pick(10);
    unsigned n = bad ? 40 + pick(40) : 1 + pick(6);
    for (unsigned a = 0; a < n; a++) {
        sol_now = a >= n / 2;
        if (a)
            put(&t, ",\n");
        if (account_head(&t, a)) {
            unsigned np = pick(4);
            for (unsigned i = 0; i < np; i++) {
                if (i)
                    put(&t, pick(3) ? ", " : ",\n    ");
                position(&t);
            }
            put(&t, "]");
            if (!pick(6))
                put(&t, pick(2) ? ", \"meta\": {\"desk\": \"x\"}" : ", \"id\": \"again\"");
        }
        put(&t, "}");
    }
    /* Sometimes a list after the accounts, holding what looks like an account on a line
     * of its own: the document still ends in "]}". */
    put(&t, pick(10) ? "]}\n"
                     : "],\n \"extra\": [\"x\",\n{\"id\": \"zz\", \"collateral\": 1}]}\n");
    return t.p;
}

typedef struct loaded {
    lc_status rc;
    char *diags;
    size_t diags_len;
    lc_portfolio *pf;
} loaded;

static loaded load(const lc_policy *pol, const char *text, bool flat, unsigned threads)
{
    loaded l;
    lc_diags d;
    lc_diags_init(&d);
    l.pf = NULL;
    lc__reader_flat_off = !flat;
    l.rc = lc_portfolio_load_buffer_threads(pol, "book.json", text, strlen(text), LC_INPUT_AUTO,
                                            threads, &l.pf, &d);
    lc__reader_flat_off = false;
    FILE *f = open_memstream(&l.diags, &l.diags_len);
    assert_non_null(f);
    lc_diags_print(&d, f);
    fclose(f);
    lc_diags_free(&d);
    return l;
}

static bool same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void compare(const char *text, const loaded *x, const loaded *y)
{
    if (x->rc != y->rc || strcmp(x->diags, y->diags) != 0)
        fail_msg("one step: %d\n%s\nevent by event: %d\n%s\nbook:\n%s", x->rc, x->diags, y->rc,
                 y->diags, text);
    if (x->rc != LC_OK)
        return;
    const lc_portfolio *a = x->pf, *b = y->pf;
    assert_int_equal(a->n_pos, b->n_pos);
    assert_int_equal(a->n_accts, b->n_accts);
    for (size_t i = 0; i < a->n_pos; i++) {
        const lc__pos *p = &a->pos[i], *q = &b->pos[i];
        assert_true(same_double(p->qty, q->qty) && same_double(p->entry, q->entry) &&
                    same_double(p->iso_margin, q->iso_margin));
        assert_int_equal(p->market, q->market);
        assert_int_equal(p->line, q->line);
    }
    for (size_t i = 0; i < a->n_accts; i++) {
        assert_string_equal(a->accts[i].id, b->accts[i].id);
        assert_int_equal(a->accts[i].first, b->accts[i].first);
        assert_int_equal(a->accts[i].n, b->accts[i].n);
    }
}

static void free_loaded(loaded *l)
{
    free(l->diags);
    lc_portfolio_free(l->pf);
}

/* Each book three ways: in one step, event by event, and its accounts list cut into
 * parts read by 2 to 4 threads (every list is big enough for it here). */
static void flat_read_agrees(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    unsigned ok = 0, refused = 0;
    size_t min_bytes = lc__ps_par_min_bytes;
    lc__ps_par_min_bytes = 0;
    unsigned long joined = lc__ps_par_joined;
    for (int i = 0; i < 20000; i++) {
        char *text = book();
        loaded x = load(pol, text, true, 1), y = load(pol, text, false, 1),
               z = load(pol, text, true, 2 + pick(3));
        compare(text, &x, &y);
        compare(text, &x, &z);
        if (x.rc == LC_OK)
            ok++;
        else
            refused++;
        free_loaded(&x);
        free_loaded(&y);
        free_loaded(&z);
        free(text);
    }
    lc__ps_par_min_bytes = min_bytes;
    /* Both kinds in numbers, and parts joined often, or the comparison says little. */
    assert_true(ok > 1000 && refused > 1000);
    joined = lc__ps_par_joined - joined;
    if (joined < 1000)
        fail_msg("parts joined %lu times", joined);
    lc_policy_free(pol);
}

/* Pretty-printed, one key per line as jq writes it: a position's '{' starts a line too,
 * so only lines at the accounts' own indentation are cut, and the parts join. */
static void pretty_book_joins(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    strbuf t = {0};
    put(&t, "{\n  \"marks\": {\n    \"BTCUSDT\": 62000,\n    \"ETHUSDT\": 3100\n  },\n"
            "  \"accounts\": [\n");
    char line[160];
    for (int a = 0; a < 400; a++) {
        snprintf(line, sizeof line,
                 "%s    {\n      \"id\": \"p%d\",\n      \"collateral\": %d,\n"
                 "      \"positions\": [\n",
                 a ? ",\n" : "", a, 1000 + a);
        put(&t, line);
        for (int i = 0; i < 2; i++) {
            snprintf(line, sizeof line,
                     "%s        {\n          \"market\": \"%s\",\n          \"qty\": %d.5,\n"
                     "          \"entry\": %d\n        }",
                     i ? ",\n" : "", i ? "ETHUSDT" : "BTCUSDT", a % 7 + 1, 3000 + a);
            put(&t, line);
        }
        put(&t, "\n      ]\n    }");
    }
    put(&t, "\n  ]\n}\n");
    size_t min_bytes = lc__ps_par_min_bytes;
    lc__ps_par_min_bytes = 0;
    unsigned long joined = lc__ps_par_joined;
    loaded one = load(pol, t.p, true, 1), two = load(pol, t.p, true, 2),
           four = load(pol, t.p, true, 4);
    lc__ps_par_min_bytes = min_bytes;
    assert_int_equal(one.rc, LC_OK);
    compare(t.p, &one, &two);
    compare(t.p, &one, &four);
    assert_int_equal(one.pf->n_accts, 400);
    /* Lines 1-6 open the document; each account has 16 (4 of its own, 5 per position, 2
     * closing), its second position 9 lines in: the last at 7 + 16 * 399 + 9. */
    assert_int_equal(one.pf->pos[799].line, 7 + 16 * 399 + 9);
    assert_int_equal(four.pf->pos[799].line, 7 + 16 * 399 + 9);
    assert_int_equal(lc__ps_par_joined - joined, 2);
    free_loaded(&one);
    free_loaded(&two);
    free_loaded(&four);
    free(t.p);
    lc_policy_free(pol);
}

/* The reader's side: what it takes in one step, and that it leaves the rest untouched. */
static void reader_flat_map(void **state)
{
    (void)state;
    static const char *const names[] = {"market", "qty", "entry", "isolated_margin"};
    static const lc__flat_key keys[] = {LC__FLAT_KEY("market"), LC__FLAT_KEY("qty"),
                                        LC__FLAT_KEY("entry"), LC__FLAT_KEY("isolated_margin")};
#define PAD "                                        "
    /* Three keys needed, a fourth allowed: how many the step takes, 0 for none. */
    static const struct {
        const char *text;
        int flat;
    } cases[] = {
        {"{\"market\": \"BTCUSDT\", \"qty\": -0.5, \"entry\": 6e4}", 3},
        {"{\"market\":\"BTCUSDT\",\"qty\":1,\"entry\":2}", 3},
        {"{ \"market\" :\t\"X\" , \"qty\" : 1 , \"entry\" : 2 }", 3},
        {"{\"qty\": 1, \"market\": \"X\", \"entry\": 2}", 0},
        {"{\"market\": \"X\", \"qty\": 1}", 0},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2, \"isolated_margin\": 3}", 4},
        {"{\"market\":\"X\",\"qty\":1,\"entry\":2,\"isolated_margin\":3 }", 4},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2, \"isolated_margiN\": 3}", 0},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2, \"isolated\": 3}", 0},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2, \"isolated_margin\": 3, \"x\": 1}", 0},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2, }", 0},
        {"{\"market\": \"X\",\n \"qty\": 1, \"entry\": 2}", 0},
        {"{\"market\": \"X\\u0041\", \"qty\": 1, \"entry\": 2}", 0},
        {"{\"market\": \"X\", \"qty\": true, \"entry\": 2}", 0},
        {"{\"market\": \"X\", \"qty\": [1], \"entry\": 2}", 0},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2", 0},
        /* Room to read 32 bytes at each key, as inside a book: the usual spacing taken
         * in one comparison, and every way out of it. */
        {"{\"market\": \"BTCUSDT\", \"qty\": -0.5, \"entry\": 6e4}" PAD, 3},
        {"{\"market\": \"X\", \"qty\":  1, \"entry\":\t2}" PAD, 3},
        {"{\"market\": \"X\", \"qty\": 1 , \"entry\": 2}" PAD, 3},
        {"{\"market\": \"X\", \"qty\":1, \"entry\" : 2}" PAD, 3},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2, \"isolated_margin\": 3}" PAD, 4},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2, \"isolated_margiN\": 3}" PAD, 0},
        {"{\"market\": \"X\", \"qtyy\": 1, \"entry\": 2}" PAD, 0},
        {"{\"market\": \"X\", \"qt\": 1, \"entry\": 2}" PAD, 0},
        {"{\"market\": \"X\", \"qty\": 1, \"entry\": 2, }" PAD, 0},
        {"{\"market\": \"X\",  \"qty\": 1, \"entry\": 2}" PAD, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        lc__reader *r;
        lc__event ev, vals[4];
        assert_int_equal(lc__reader_open(&r, "t.json", t, strlen(t), true, NULL), LC_OK);
        assert_int_equal(lc__reader_next(r, &ev), LC_OK);
        assert_int_equal(ev.type, LC__EV_MAP);
        int flat = lc__reader_flat_map(r, keys, 3, 4, vals);
        if (flat != cases[i].flat)
            fail_msg("%s: expected %d pairs in one step, got %d", t, cases[i].flat, flat);
        if (flat) {
            /* The values as the text has them, with the column of their first byte. */
            assert_int_equal(vals[0].type, LC__EV_SCALAR);
            assert_true(vals[0].quoted && !vals[1].quoted && !vals[2].quoted);
            for (int k = 0; k < flat; k++) {
                const char *at = strstr(t, names[k]) + strlen(names[k]) + 1;
                while (*at == '"' || *at == ' ' || *at == ':' || *at == '\t')
                    at++;
                assert_int_equal(vals[k].col, (unsigned)(at - t) + 1 - (k == 0));
                assert_true(strncmp(vals[k].s, at, vals[k].len) == 0);
            }
            assert_int_equal(vals[1].len, strcspn(vals[1].s, " ,}"));
            assert_int_equal(lc__reader_next(r, &ev), LC_OK);
            assert_int_equal(ev.type, LC__EV_END);
        } else {
            /* Untouched: the next event is the mapping's first key. */
            assert_int_equal(lc__reader_next(r, &ev), LC_OK);
            assert_int_equal(ev.type, LC__EV_SCALAR);
            assert_int_equal(ev.col, (unsigned)(strchr(t, '"') - t) + 1);
        }
        lc__reader_close(r);
    }
    /* An account's start: up to the '[', the rest event by event. */
    static const lc__flat_key head[] = {LC__FLAT_KEY("id"), LC__FLAT_KEY("collateral")};
    static const lc__flat_key positions = LC__FLAT_KEY("positions");
    static const struct {
        const char *text;
        bool flat;
    } opens[] = {
        {"{\"id\": \"a\", \"collateral\": 5, \"positions\": [{}], \"tags\": []}", true},
        {"{\"id\":\"a\",\"collateral\":5,\"positions\":[]}", true},
        {"{\"id\": \"a\", \"collateral\": 5, \"positions\": {}}", false},
        {"{\"id\": \"a\", \"collateral\": 5}", false},
        {"{\"id\": \"a\", \"positions\": [], \"collateral\": 5}", false},
        {"{\"id\": \"a\", \"collateral\": 5,\n\"positions\": []}", false},
        {"{\"id\": \"a\", \"collateral\": 5, \"positions\": []}" PAD, true},
        {"{\"id\": \"a\", \"collateral\": 5, \"position\": []}" PAD, false},
        {"{\"id\": \"a\", \"collateral\": 5, \"positions\":[]}" PAD, true},
    };
#undef PAD
    for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
        const char *t = opens[i].text;
        lc__reader *r;
        lc__event ev, vals[2], seq;
        assert_int_equal(lc__reader_open(&r, "t.json", t, strlen(t), true, NULL), LC_OK);
        assert_int_equal(lc__reader_next(r, &ev), LC_OK);
        bool flat = lc__reader_flat_open(r, head, 2, vals, &positions, &seq);
        if (flat != opens[i].flat)
            fail_msg("%s: expected %s", t, opens[i].flat ? "one step" : "no step");
        if (!flat) {
            assert_int_equal(lc__reader_next(r, &ev), LC_OK);
            assert_int_equal(ev.col, 2); /* the first key, untouched */
            lc__reader_close(r);
            continue;
        }
        assert_int_equal(seq.type, LC__EV_SEQ);
        assert_int_equal(seq.col, (unsigned)(strchr(t, '[') - t) + 1);
        assert_true(vals[0].len == 1 && vals[0].s[0] == 'a' && vals[1].s[0] == '5');
        /* Inside the list, then back in the mapping after it. */
        lc__ev want[] = {LC__EV_MAP, LC__EV_MAP_END, LC__EV_SEQ_END, LC__EV_SCALAR,
                         LC__EV_SEQ, LC__EV_SEQ_END, LC__EV_MAP_END, LC__EV_END};
        size_t from = i == 0 ? 0 : 2, to = i == 0 ? 8 : 3;
        for (size_t k = from; k < to; k++) {
            assert_int_equal(lc__reader_next(r, &ev), LC_OK);
            assert_int_equal(ev.type, want[k]);
        }
        if (i) {
            assert_int_equal(lc__reader_next(r, &ev), LC_OK);
            assert_int_equal(ev.type, LC__EV_MAP_END);
            assert_int_equal(lc__reader_next(r, &ev), LC_OK);
            assert_int_equal(ev.type, LC__EV_END);
        }
        lc__reader_close(r);
    }
    /* A YAML reader never takes the step. */
    lc__reader *r;
    lc__event ev, vals[4];
    const char *y = "{market: X, qty: 1, entry: 2}";
    assert_int_equal(lc__reader_open(&r, "t.yaml", y, strlen(y), false, NULL), LC_OK);
    do
        assert_int_equal(lc__reader_next(r, &ev), LC_OK);
    while (ev.type != LC__EV_MAP);
    assert_int_equal(lc__reader_flat_map(r, keys, 3, 4, vals), 0);
    lc__reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flat_read_agrees),
        cmocka_unit_test(pretty_book_joins),
        cmocka_unit_test(reader_flat_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
