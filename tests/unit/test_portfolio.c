/*
 * test_portfolio.c - portfolio loading: YAML and JSON alike, and refusals.
 */
#include "helpers.h"

#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char policy[] = "levcal: 1\npolicy: {id: p, version: 1}\n"
                             "markets:\n"
                             "  BTCUSDT: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n"
                             "  ETHUSDT: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n";

static void yaml_and_json_agree(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    lc_portfolio *y = portfolio_ok(
        pol, "marks: {BTCUSDT: 62000, ETHUSDT: 3100}\n"
             "accounts:\n"
             "  - id: alice\n"
             "    collateral: 10000\n"
             "    positions:\n"
             "      - {market: BTCUSDT, qty: 0.5, entry: 60000}\n"
             "      - {market: ETHUSDT, qty: -3, entry: 3200, isolated_margin: 500}\n"
             "  - {id: bob, collateral: 1}\n");
    /* The same book in JSON, accounts first and keys reordered. */
    lc_portfolio *j = portfolio_ok(
        pol, "{\"accounts\": [{\"positions\": [{\"qty\": 0.5, \"market\": \"BTCUSDT\", "
             "\"entry\": 60000}, {\"market\": \"ETHUSDT\", \"qty\": -3, \"entry\": 3200, "
             "\"isolated_margin\": 500}], \"id\": \"alice\", \"collateral\": 1e4},"
             " {\"id\": \"bob\", \"collateral\": 1, \"positions\": []}],"
             " \"marks\": {\"ETHUSDT\": 3100, \"BTCUSDT\": 62000}}");
    assert_int_equal(lc_portfolio_account_count(y), 2);
    assert_int_equal(lc_portfolio_position_count(y), 2);
    assert_int_equal(lc_portfolio_account_count(j), 2);
    assert_int_equal(lc_portfolio_position_count(j), 2);
    lc_report *ry, *rj;
    assert_int_equal(lc_evaluate(pol, y, &ry), LC_OK);
    assert_int_equal(lc_evaluate(pol, j, &rj), LC_OK);
    for (size_t i = 0; i < 2; i++) {
        const lc_position_result *a = lc_report_position(ry, i), *b = lc_report_position(rj, i);
        assert_string_equal(a->market, b->market);
        assert_true(a->qty == b->qty && a->entry == b->entry && a->mark == b->mark);
        assert_int_equal(a->isolated, b->isolated);
    }
    /* alice: cross upnl 0.5 * 2,000 = 1,000; isolated short upnl -3 * -100 = 300. */
    const lc_account_result *alice = lc_report_account(ry, 0);
    assert_string_equal(alice->id, "alice");
    assert_near(alice->equity, 11000, 0);
    assert_near(lc_report_position(ry, 1)->equity, 800, 0);
    assert_string_equal(lc_report_account(rj, 1)->id, "bob");
    lc_report_free(ry);
    lc_report_free(rj);
    lc_portfolio_free(y);
    lc_portfolio_free(j);
    lc_policy_free(pol);
}

static void yaml_flow_document_is_not_json(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    /* YAML flow style opens with '{': read as YAML by name or by asking, never by a second
     * try after the strict JSON parser refused it. */
    const char *flow = "{marks: {BTCUSDT: 1}, accounts: []}";
    lc_portfolio *pf = NULL;
    assert_int_equal(lc_portfolio_load_buffer_as(pol, "book.yml", flow, strlen(flow),
                                                 LC_INPUT_AUTO, &pf, NULL), LC_OK);
    assert_int_equal(lc_portfolio_account_count(pf), 0);
    lc_portfolio_free(pf);
    assert_int_equal(lc_portfolio_load_buffer_as(pol, "book", flow, strlen(flow),
                                                 LC_INPUT_YAML, &pf, NULL), LC_OK);
    lc_portfolio_free(pf);
    lc_diags d;
    lc_diags_init(&d);
    assert_int_equal(lc_portfolio_load_buffer(pol, "book", flow, strlen(flow), &pf, &d),
                     LC_EINPUT);
    assert_non_null(strstr(d.head->msg, "invalid JSON:"));
    assert_non_null(strstr(d.tail->msg, "YAML flow style needs a .yaml name or the YAML input format"));
    lc_diags_free(&d);
    /* Not JSON: trailing commas, single quotes, unquoted keys. */
    static const char *const lax[] = {
        "{\"marks\": {\"BTCUSDT\": 1}, \"accounts\": [],}",
        "{'marks': {\"BTCUSDT\": 1}, \"accounts\": []}",
        "{marks: {\"BTCUSDT\": 1}, \"accounts\": []}",
    };
    for (size_t i = 0; i < 3; i++) {
        lc_diags_init(&d);
        assert_int_equal(lc_portfolio_load_buffer(pol, "book.json", lax[i], strlen(lax[i]), &pf,
                                                  &d), LC_EINPUT);
        assert_non_null(strstr(d.head->msg, "invalid JSON:"));
        lc_diags_free(&d);
    }
    lc_policy_free(pol);
}

static void refuses_whole_portfolio(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    const char *book = "marks: {BTCUSDT: 62000}\n"
                       "accounts:\n"
                       "  - {id: a, collateral: 1, positions: [{market: BTCUSDT, qty: 1, entry: 1}]}\n"
                       "  - {id: a, collateral: .nan}\n"
                       "  - {id: b, collateral: 1, positions: [{market: ETHUSDT, qty: 1, entry: 1}]}\n";
    lc_diags d;
    lc_diags_init(&d);
    lc_portfolio *pf = (lc_portfolio *)1;
    assert_int_equal(lc_portfolio_load_buffer(pol, "book.yaml", book, strlen(book), &pf, &d),
                     LC_EINPUT);
    assert_null(pf);
    /* duplicate id, non-finite collateral, missing ETHUSDT mark */
    assert_int_equal(d.n_errors, 3);
    lc_diags_free(&d);
    lc_policy_free(pol);
}

/* 100,000 levels of '[' under a key are refused at the 65th level, by either parser, in
 * one pass (the loader skips the value it does not want, meeting the limit there). */
static void deep_nesting_refused(void **state)
{
    (void)state;
    lc_policy *pol = policy_ok(policy);
    size_t n = 100000;
    static const char *const names[] = {"deep.json", "deep.yaml"};
    static const char *const prefix[] = {"{\"marks\": ", "{marks: "};
    static const char *const want[] = {"invalid JSON: nesting deeper than 64 levels",
                                       "invalid YAML: nesting deeper than 64 levels"};
    for (size_t i = 0; i < 2; i++) {
        size_t pl = strlen(prefix[i]);
        char *deep = malloc(pl + n + 1);
        assert_non_null(deep);
        memcpy(deep, prefix[i], pl);
        memset(deep + pl, '[', n);
        deep[pl + n] = '\0';
        lc_diags d;
        lc_diags_init(&d);
        lc_portfolio *pf = NULL;
        lc_status rc = lc_portfolio_load_buffer(pol, names[i], deep, pl + n, &pf, &d);
        free(deep);
        assert_int_equal(rc, LC_EINPUT);
        assert_null(pf);
        const lc_diag *hit = NULL;
        for (const lc_diag *r = d.head; r; r = r->next)
            if (strcmp(r->msg, want[i]) == 0)
                hit = r;
        if (!hit) {
            fail_msg("no diagnostic '%s'", want[i]);
            return;
        }
        /* The mapping is level 1: the 64th '[' opens level 65. */
        assert_int_equal(hit->line, 1);
        assert_int_equal(hit->col, pl + 64);
        lc_diags_free(&d);
    }
    lc_policy_free(pol);
}

/* ==== Pages handed back =================================================== */

/* This process's resident bytes now: /proc/self/statm's second field, in pages. */
static size_t resident(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, pages = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &pages) != 2)
            pages = 0;
        fclose(f);
    }
    return pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* The byte at i of the test file: varies within and across pages. */
static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 7 + i / 4096);
}

/* Reads every byte of "p", so that all its pages are resident; whether each is the
 * pattern's. */
static bool is_pattern(const char *p, size_t n)
{
    bool same = true;
    for (size_t i = 0; i < n; i++)
        same &= (unsigned char)p[i] == pattern(i);
    return same;
}

static void hands_back_read_pages(void **state)
{
    (void)state;
    const size_t mib = (size_t)1 << 20, n = 24 * mib, page = (size_t)sysconf(_SC_PAGESIZE);
    char path[] = "/tmp/lc_behind_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unsigned char *text = malloc(n);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = pattern(i);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    free(text);

    lc__file f;
    assert_int_equal(lc__file_open(&f, path, NULL), LC_OK);
    assert_non_null(f.map);
    assert_true(is_pattern(f.data, n));
    size_t r0 = resident();
    lc__behind b = {f.data, 0};
    /* Nothing the hash has not read goes back. */
    assert_ptr_equal(lc__behind_drop(&b, f.data, f.data + n), f.data);
    assert_true(resident() + mib > r0);
    /* The hash half-way, past a page's start: the whole pages before it, from the first
     * whole one after "from" on. */
    atomic_store(&b.hashed, n / 2 + 100);
    const char *at = lc__behind_drop(&b, f.data + 10, f.data + n);
    assert_ptr_equal(at, f.data + n / 2);
    size_t r1 = resident();
    assert_true(r0 > r1 + n / 2 - 2 * mib);
    /* Less than a page: nothing. */
    atomic_store(&b.hashed, n);
    assert_ptr_equal(lc__behind_drop(&b, at, at + page - 1), at);
    /* The rest. */
    assert_ptr_equal(lc__behind_drop(&b, at, f.data + n), f.data + n);
    assert_true(r0 > resident() + n - 4 * mib);
    /* The pages come back from the file as they were. */
    assert_true(is_pattern(f.data, n));
    lc__file_close(&f);
    unlink(path);

    /* Memory that is not a file's mapping is never handed back: it would come back
     * zeroed. */
    char *heap = malloc(4 * mib);
    assert_non_null(heap);
    for (size_t i = 0; i < 4 * mib; i++)
        heap[i] = (char)pattern(i);
    lc__behind none = {NULL, 4 * mib};
    assert_ptr_equal(lc__behind_drop(&none, heap, heap + 4 * mib), heap);
    assert_ptr_equal(lc__behind_drop(NULL, heap, heap + 4 * mib), heap);
    assert_true(is_pattern(heap, 4 * mib));
    free(heap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deep_nesting_refused),
        cmocka_unit_test(yaml_and_json_agree),
        cmocka_unit_test(yaml_flow_document_is_not_json),
        cmocka_unit_test(refuses_whole_portfolio),
        cmocka_unit_test(hands_back_read_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
