/*
 * test_history.c - reading OHLC CSV files: layouts vendors ship, returns, gap rules.
 */
#include "helpers.h"

#include "load/history.h"

#define HIST LC_TOP_DIR "/tests/data/history/"

static lc__history *load(const char *file, int64_t until, lc__gaps gaps)
{
    lc_diags d;
    lc_diags_init(&d);
    lc__history *h = NULL;
    lc_status rc = lc__history_load(file, until, gaps, LC__GAPS_HINT_POLICY, &h, &d);
    if (rc)
        lc_diags_print(&d, stderr);
    lc_diags_free(&d);
    assert_int_equal(rc, LC_OK);
    return h;
}

static void dates(void **state)
{
    (void)state;
    int64_t day;
    assert_true(lc__parse_date("1970-01-01", 10, &day));
    assert_int_equal(day, 0);
    assert_true(lc__parse_date("2024-01-01", 10, &day));
    assert_int_equal(day, 19723); /* 1704067200 s / 86400 */
    assert_true(lc__parse_date("2000-02-29", 10, &day));
    assert_int_equal(day, 11016);
    assert_true(lc__parse_date("2024-12-31 00:00:00", 19, &day));
    assert_false(lc__parse_date("2023-02-29", 10, &day));
    assert_false(lc__parse_date("2024-13-01", 10, &day));
    assert_false(lc__parse_date("2024-1-01", 9, &day));
    char buf[16];
    lc__format_date(19723, buf);
    assert_string_equal(buf, "2024-01-01");
    lc__format_date(11016, buf);
    assert_string_equal(buf, "2000-02-29");
}

static void vendor_layouts(void **state)
{
    (void)state;
    /* Banner line, newest first, unix milliseconds and a date column, extra columns. */
    lc__history *a = load(HIST "ms_newest_first.csv", INT64_MAX, LC__GAPS_ERROR);
    /* Seconds, any case, shuffled columns, CRLF, oldest first. */
    lc__history *b = load(HIST "seconds_crlf.csv", INT64_MAX, LC__GAPS_ERROR);
    assert_int_equal(a->n, 3);
    assert_int_equal(b->n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(a->bars[i].day, 19722 + (int64_t)i);
        assert_int_equal(b->bars[i].day, a->bars[i].day);
        assert_true(a->bars[i].close == b->bars[i].close);
        assert_true(a->bars[i].high == b->bars[i].high);
    }
    assert_true(isnan(a->bars[0].ret));
    assert_near(a->bars[1].ret, log(101.0 / 100.0), 1e-15);
    assert_near(a->bars[2].ret, log(102.0 / 101.0), 1e-15);
    assert_near(a->bars[2].overnight, 0, 1e-15); /* open 101 = previous close */
    lc__history_free(a);
    lc__history_free(b);
}

static void until_cuts(void **state)
{
    (void)state;
    int64_t day;
    assert_true(lc__parse_date("2024-01-01", 10, &day));
    lc__history *h = load(HIST "ms_newest_first.csv", day, LC__GAPS_ERROR);
    assert_int_equal(h->n, 2);
    assert_int_equal(h->bars[1].day, day);
    lc__history_free(h);
}

static void gap_rules(void **state)
{
    (void)state;
    /* 01-01 close 100, 01-02 close 102, 01-04 close 105 (open 102): one day missing. */
    lc__history *drop = load(HIST "gap.csv", INT64_MAX, LC__GAPS_DROP);
    lc__history *scale = load(HIST "gap.csv", INT64_MAX, LC__GAPS_SCALE);
    assert_int_equal(drop->n_gaps, 1);
    assert_near(drop->bars[1].ret, log(1.02), 1e-15);
    assert_true(isnan(drop->bars[2].ret));
    assert_true(isnan(drop->bars[2].overnight));
    /* scale: the two-day return counts as one day's with variance per day */
    assert_near(scale->bars[2].ret, log(105.0 / 102.0) / sqrt(2.0), 1e-15);
    assert_near(scale->bars[2].overnight, 0, 1e-15);
    lc__history_free(drop);
    lc__history_free(scale);

    lc_diags d;
    lc_diags_init(&d);
    lc__history *h = (lc__history *)1;
    assert_int_equal(lc__history_load(HIST "gap.csv", INT64_MAX, LC__GAPS_ERROR, LC__GAPS_HINT_POLICY, &h, &d),
                     LC_EINPUT);
    assert_null(h);
    assert_int_equal(d.n_errors, 1);
    lc_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates),
        cmocka_unit_test(vendor_layouts),
        cmocka_unit_test(until_cuts),
        cmocka_unit_test(gap_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
