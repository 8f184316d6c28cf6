/*
 * test_digits.c - the decimal digit writer under each of its three implementations.
 *
 * digits.c and dtoa.c are compiled into this test itself, so that one source gives
 * three programs: the machine's own writer (SSE2 here), and with LC__DIGITS_SWAR or
 * LC__DIGITS_PAIRS the ones other machines use. Each writes every 8-digit value in each
 * position it can hold, checked against decimal counters kept by hand, random values of
 * every length against printf, and random doubles that must read back through strtod.
 */
#include "helpers.h"

#include "base/digits.c"
#include "base/dtoa.c"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next_u64(void)
{
    return test_rand(&rng);
}

/* Counts an ASCII decimal of "n" digits up or down by one, wrapping. */
static void count(char *d, int n, int step)
{
    for (int i = n - 1; i >= 0; i--) {
        if (step > 0 ? d[i]++ != '9' : d[i]-- != '0')
            return;
        d[i] = step > 0 ? '0' : '9';
    }
}

/* Every v < 10^8: as the high and the low half of sixteen digits (v, then 99999999 - v),
 * and alone, zero-padded to eight. */
static void every_eight_digit_value(void **state)
{
    (void)state;
    char up[8], down[8], got[32];
    memset(up, '0', 8);
    memset(down, '9', 8);
    for (uint64_t v = 0; v < 100000000u; v++) {
        size_t n = lc__write_digits(v * 100000000u + (99999999u - v), 16, got);
        if (n != 16 || memcmp(got, up, 8) != 0 || memcmp(got + 8, down, 8) != 0)
            fail_msg("%08" PRIu64 "%08" PRIu64 " written as %.16s", v, 99999999u - v, got);
        n = lc__write_digits(v, 8, got);
        if (n != 8 || memcmp(got, up, 8) != 0)
            fail_msg("%08" PRIu64 " written as %.8s", v, got);
        count(up, 8, 1);
        count(down, 8, -1);
    }
}

/* Random values of every length from 1 to 20 digits, with and without padding. */
static void random_lengths(void **state)
{
    (void)state;
    char got[32], want[32];
    for (int i = 0; i < 2000000; i++) {
        uint64_t u = next_u64();
        u >>= next_u64() % 64;
        int min = (int)(next_u64() % 21);
        int n = snprintf(want, sizeof want, "%0*" PRIu64, min, u);
        memset(got, 'x', sizeof got);
        size_t len = lc__write_digits(u, min, got);
        if ((int)len != n || memcmp(got, want, len) != 0)
            fail_msg("%" PRIu64 " (at least %d digits) written as %.*s", u, min, (int)len, got);
    }
    const uint64_t edges[] = {0, 9, 10, 99999999, 100000000, 9999999999999999u,
                              10000000000000000u, 99999999999999999u, UINT64_MAX};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        snprintf(want, sizeof want, "%" PRIu64, edges[i]);
        size_t len = lc__write_digits(edges[i], 1, got);
        assert_int_equal(len, strlen(want));
        assert_memory_equal(got, want, len);
    }
}

/* The digits in place inside the printed doubles: every one reads back. */
static void doubles_read_back(void **state)
{
    (void)state;
    char buf[40];
    for (int i = 0; i < 1000000; i++) {
        uint64_t bits = next_u64();
        double v;
        if (i % 2) {
            memcpy(&v, &bits, sizeof v);
            if (!isfinite(v))
                continue;
        } else {
            v = (double)(bits % 100000000000000u) / pow(10.0, (double)((bits >> 60) % 10));
        }
        buf[lc__dtoa(v, buf)] = '\0';
        if (strtod(buf, NULL) != v)
            fail_msg("%.17g printed as %s", v, buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_eight_digit_value),
        cmocka_unit_test(random_lengths),
        cmocka_unit_test(doubles_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
