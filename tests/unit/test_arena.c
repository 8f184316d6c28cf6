/*
 * test_arena.c - the bump allocator: what survives a rewind, what a rewind and a reset
 * give back, and that a warm arena stops calling the allocator.
 */
#include "helpers.h"

#include "base/base.h"

#include <stdlib.h>
#include <string.h>

static long n_allocs, n_frees, n_live;

static void *counting(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        if (ptr) {
            n_frees++;
            n_live--;
        }
        free(ptr);
        return NULL;
    }
    if (!ptr) {
        n_allocs++;
        n_live++;
    }
    return realloc(ptr, size);
}

static int setup(void **state)
{
    (void)state;
    n_allocs = n_frees = n_live = 0;
    lc_set_allocator(counting, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lc_set_allocator(NULL, NULL);
    return 0;
}

/* What was allocated before a mark keeps its bytes; what came after is handed out again. */
static void rewind_keeps_older(void **state)
{
    (void)state;
    lc__arena a;
    lc__arena_init(&a, 1024);
    char *keep = lc__arena_alloc(&a, 100);
    memset(keep, 'k', 100);
    lc__arena_mark m = lc__arena_save(&a);
    char *first = NULL;
    for (int i = 0; i < 50; i++) { /* spills over several blocks */
        char *p = lc__arena_alloc(&a, 200);
        assert_non_null(p);
        memset(p, 's', 200);
        if (!first)
            first = p;
    }
    long blocks = n_allocs;
    assert_true(blocks >= 10); /* 50 * 200 bytes in blocks of 1024 */
    lc__arena_rewind(&a, m);
    for (int i = 0; i < 100; i++)
        assert_int_equal(keep[i], 'k');
    /* The same requests again: the first lands where the first did, no new block. */
    assert_ptr_equal(lc__arena_alloc(&a, 200), first);
    for (int i = 1; i < 50; i++)
        assert_non_null(lc__arena_alloc(&a, 200));
    assert_int_equal(n_allocs, blocks);
    lc__arena_free(&a);
    assert_int_equal(n_live, 0);
}

/* A request above the block size gets a block of its own, freed by a rewind past it. */
static void big_blocks_go_on_rewind(void **state)
{
    (void)state;
    lc__arena a;
    lc__arena_init(&a, 1024);
    char *small = lc__arena_alloc(&a, 16);
    lc__arena_mark m = lc__arena_save(&a);
    char *big = lc__arena_alloc(&a, 5000);
    assert_non_null(big);
    memset(big, 'b', 5000);
    char *after = lc__arena_alloc(&a, 16); /* still in the first block */
    assert_ptr_equal(after, small + 16);
    assert_int_equal(n_live, 2);
    lc__arena_rewind(&a, m);
    assert_int_equal(n_live, 1);
    assert_int_equal(n_frees, 1);
    lc__arena_free(&a);
    assert_int_equal(n_live, 0);
}

/* Evaluation after evaluation: once the arena has grown to a round's size, a reset and
 * the same round again allocate nothing. */
static void reset_rounds_are_allocation_free(void **state)
{
    (void)state;
    lc__arena a;
    lc__arena_init(&a, 4096);
    long after_first = 0;
    for (int round = 0; round < 5; round++) {
        lc__arena_reset(&a);
        for (int i = 0; i < 1000; i++) {
            lc__arena_mark m = lc__arena_save(&a);
            assert_non_null(lc__arena_alloc(&a, 24 + (size_t)(i % 7) * 8)); /* kept */
            assert_non_null(lc__arena_alloc(&a, 512));                      /* scratch */
            lc__arena_rewind(&a, m);
            assert_non_null(lc__arena_alloc(&a, 24 + (size_t)(i % 7) * 8));
        }
        if (round == 0)
            after_first = n_allocs;
    }
    assert_true(after_first > 0);
    assert_int_equal(n_allocs, after_first);
    lc__arena_free(&a);
    assert_int_equal(n_live, 0);
}

/* Every pointer handed out is 8-byte aligned and distinct from the others alive. */
static void aligned_and_disjoint(void **state)
{
    (void)state;
    lc__arena a;
    lc__arena_init(&a, 256);
    char *prev = NULL;
    size_t prev_n = 0;
    for (size_t n = 1; n < 300; n += 7) {
        char *p = lc__arena_alloc(&a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 8, 0);
        memset(p, 0x5a, n);
        if (prev)
            assert_true(p >= prev + prev_n || p + n <= prev);
        prev = p;
        prev_n = n;
    }
    lc__arena_free(&a);
    assert_int_equal(n_live, 0);
}

/* A deleveraging policy over a book where every account gets a plan (plus one isolated
 * position each): the second evaluation into the same report allocates nothing. */
static void reevaluation_is_allocation_free(void **state)
{
    (void)state;
    static const char pol[] =
        "levcal: 1\npolicy: {id: d, version: 1}\nmarkets:\n"
        "  BTCUSDT:\n    lot_size: 0.001\n    tiers:\n"
        "      - {cap: 50000, max_leverage: 50, mmr: 0.01}\n"
        "      - {cap: 500000, max_leverage: 20, mmr: 0.025}\n"
        "  ETHUSDT:\n    lot_size: 0.01\n    tiers:\n"
        "      - {cap: 100000, max_leverage: 50, mmr: 0.01}\n"
        "deleveraging:\n  liquidation: {target: {margin_ratio: 0.5}, fee_rate: 0.005}\n"
        "  rules:\n"
        "    - {name: lev10, when: {leverage: {gt: 10}}, action: deleverage, target: {leverage: 10}}\n"
        "    - {name: big, when: {position: {market: BTCUSDT, notional: {gt: 1000}}}, action: margin_call}\n";
    char book[1 << 16];
    size_t len = (size_t)snprintf(book, sizeof book, "marks: {BTCUSDT: 50000, ETHUSDT: 3000}\naccounts:\n");
    for (int i = 0; i < 200; i++)
        len += (size_t)snprintf(book + len, sizeof book - len,
                                "  - {id: a%d, collateral: %d, positions: [{market: BTCUSDT, qty: 2, entry: 50000},"
                                " {market: ETHUSDT, qty: -%d, entry: 3000, isolated_margin: 500}]}\n",
                                i, 3000 + 50 * i, 5 + i % 20);
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p;
    lc_portfolio *pf;
    lc_report *r;
    assert_int_equal(lc_policy_load_buffer("pol.yaml", pol, sizeof pol - 1, &p, &d), LC_OK);
    assert_int_equal(lc_portfolio_load_buffer(p, "book.yaml", book, len, &pf, &d), LC_OK);
    assert_int_equal(lc_evaluate(p, pf, &r), LC_OK);
    /* Cross: 100,000 notional on 3,000 + 50 i of equity is above 10x for i < 140. Isolated:
     * 15,000 to 72,000 notional on 500 is above 10x (or liquidated) for every one. */
    size_t plans = 0, iso_plans = 0;
    for (size_t i = 0; i < lc_report_account_count(r); i++) {
        plans += lc_report_account(r, i)->plan != NULL;
        iso_plans += lc_report_position(r, 2 * i + 1)->plan != NULL;
    }
    assert_int_equal(plans, 140);
    assert_int_equal(iso_plans, 200);
    long before = n_allocs;
    assert_int_equal(lc_evaluate_into(p, pf, r), LC_OK);
    assert_int_equal(lc_evaluate_into(p, pf, r), LC_OK);
    assert_int_equal(n_allocs, before);
    lc_report_free(r);
    lc_portfolio_free(pf);
    lc_policy_free(p);
    lc_diags_free(&d);
    assert_int_equal(n_live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(rewind_keeps_older, setup, teardown),
        cmocka_unit_test_setup_teardown(big_blocks_go_on_rewind, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_rounds_are_allocation_free, setup, teardown),
        cmocka_unit_test_setup_teardown(aligned_and_disjoint, setup, teardown),
        cmocka_unit_test_setup_teardown(reevaluation_is_allocation_free, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
