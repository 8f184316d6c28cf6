/*
 * test_num.c - decimal parsing, shortest round-trip printing of doubles, and the report
 * writer's JSON strings.
 */
#include "helpers.h"

#include "base/base.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next_u64(void)
{
    return test_rand(&rng);
}

static void expect_dtoa(double v, const char *text)
{
    char buf[40];
    buf[lc__dtoa(v, buf)] = '\0';
    assert_string_equal(buf, text);
}

static void dtoa_known_values(void **state)
{
    (void)state;
    expect_dtoa(0.0, "0");
    expect_dtoa(-0.0, "0");
    expect_dtoa(1.0, "1");
    expect_dtoa(-62000.0, "-62000");
    expect_dtoa(0.1, "0.1");
    expect_dtoa(0.004, "0.004");
    expect_dtoa(0.1 + 0.2, "0.30000000000000004");
    expect_dtoa(123.456, "123.456");
    expect_dtoa(1e21, "1e+21");
    expect_dtoa(1e-7, "1e-7");
    expect_dtoa(0.000001, "0.000001");
    expect_dtoa(1.5e300, "1.5e+300");
    expect_dtoa(5e-324, "5e-324");
    expect_dtoa(1.7976931348623157e308, "1.7976931348623157e+308");
    expect_dtoa(9007199254740993.0, "9007199254740992");
    expect_dtoa(2.5e16, "25000000000000000");
    expect_dtoa(1535443.01, "1535443.01");
    /* Every width of the digit writer: zero-padded decimals, 8/9, 16/17 and 20 digits. */
    expect_dtoa(0.00000123, "0.00000123");
    expect_dtoa(0.01234567, "0.01234567");
    expect_dtoa(-0.10000001, "-0.10000001");
    expect_dtoa(12345678.0, "12345678");
    expect_dtoa(123456789.0, "123456789");
    expect_dtoa(1234567890123456.0, "1234567890123456");
    expect_dtoa(0.1234567890123456, "0.1234567890123456");
    expect_dtoa(12345678901234567e-17, "0.12345678901234566");
    expect_dtoa(1e20, "100000000000000000000");
    expect_dtoa(18446744073709551616.0, "18446744073709552000");
    expect_dtoa(2.220446049250313e-16, "2.220446049250313e-16");
}

/* Significant digits of a printed number: from the first to the last non-zero digit. */
static int sig_digits(const char *s)
{
    char d[40];
    int n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            d[n++] = *s;
    int a = 0, b = n;
    while (a < b && d[a] == '0')
        a++;
    while (b > a && d[b - 1] == '0')
        b--;
    return b - a;
}

static void dtoa_round_trips(void **state)
{
    (void)state;
    char buf[40], ref[40];
    for (int i = 0; i < 1000000; i++) {
        uint64_t bits = next_u64();
        double v;
        if (i % 2) {
            memcpy(&v, &bits, sizeof v);
            if (!isfinite(v))
                continue;
        } else {
            /* Money-like values with two decimals, the common case in reports. */
            v = (double)(bits % 100000000000u) / 100.0 * ((bits >> 60) & 1 ? -1 : 1);
        }
        buf[lc__dtoa(v, buf)] = '\0';
        double back = strtod(buf, NULL);
        if (back != v)
            fail_msg("%.17g printed as %s reads back as %.17g", v, buf, back);
        if (i % 64)
            continue;
        /* On a sample, compare with the shortest %.Ng that round-trips: never longer
         * (test_shortest checks the digits themselves). */
        int prec = 1;
        for (; prec < 17; prec++) {
            snprintf(ref, sizeof ref, "%.*g", prec, v);
            if (strtod(ref, NULL) == v)
                break;
        }
        if (sig_digits(buf) > prec)
            fail_msg("%s has %d significant digits; %.*g needs only %d", buf, sig_digits(buf),
                     prec, v, prec);
    }
}

static void parse_numbers(void **state)
{
    (void)state;
    double v;
    assert_true(lc__parse_number("62000", 5, &v));
    assert_true(v == 62000);
    assert_true(lc__parse_number("-3", 2, &v));
    assert_true(v == -3);
    assert_true(lc__parse_number("0.004", 5, &v));
    assert_true(v == 0.004);
    assert_true(lc__parse_number("+.5", 3, &v));
    assert_true(v == 0.5);
    assert_true(lc__parse_number("5.", 2, &v));
    assert_true(v == 5);
    assert_true(lc__parse_number("1.2e9", 5, &v));
    assert_true(v == 1.2e9);
    assert_true(lc__parse_number("1_800_000_000", 13, &v));
    assert_true(v == 1.8e9);
    assert_true(lc__parse_number("1E-3", 4, &v));
    assert_true(v == 0.001);
    /* Beyond the fast path: strtod decides. */
    assert_true(lc__parse_number("0.30000000000000004", 19, &v));
    assert_true(v == 0.1 + 0.2);
    assert_true(lc__parse_number("123456789012345678901234567890", 30, &v));
    assert_true(v == 123456789012345678901234567890.0);
    assert_true(lc__parse_number("1e400", 5, &v));
    assert_true(isinf(v));

    static const char *const bad[] = {"", "-", ".", "1.2.3", "0x10", "1e", "1e+", "abc",
                                      "12abc", "1__0", "_1", "1_", "--1", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (lc__parse_number(bad[i], strlen(bad[i]), &v))
            fail_msg("'%s' parsed as a number", bad[i]);
    assert_true(lc__is_nonfinite_word(".inf", 4));
    assert_true(lc__is_nonfinite_word("-.Inf", 5));
    assert_true(lc__is_nonfinite_word("NaN", 3));
    assert_false(lc__is_nonfinite_word("info", 4));
}

static void parse_matches_strtod(void **state)
{
    (void)state;
    char buf[64];
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next_u64();
        int decimals = (int)(r % 12);
        double v = (double)(r >> 20) / pow(10, decimals);
        snprintf(buf, sizeof buf, "%.*f", decimals, v);
        double got;
        assert_true(lc__parse_number(buf, strlen(buf), &got));
        if (got != strtod(buf, NULL))
            fail_msg("'%s' parsed as %.17g, strtod says %.17g", buf, got, strtod(buf, NULL));
    }
}

/* Plain decimals either side of the short path's limits (19 digits, 2^53, leading
 * zeros, a point first or last): strtod's value every time. */
static void parse_plain_limits(void **state)
{
    (void)state;
    char buf[64];
    for (int i = 0; i < 300000; i++) {
        uint64_t r = next_u64();
        size_t n = 0, digits = 1 + r % 24, zeros = (r >> 8) % 4 == 0 ? (r >> 10) % 6 : 0;
        if ((r >> 13) & 1)
            buf[n++] = '-';
        for (size_t z = 0; z < zeros; z++)
            buf[n++] = '0';
        size_t point = (r >> 16) % (digits + 2); /* digits + 1: no point */
        uint64_t d = next_u64();
        for (size_t k = 0; k < digits; k++) {
            if (k == point)
                buf[n++] = '.';
            buf[n++] = (char)('0' + (k < 8 && (r >> 20) % 3 == 0 ? 9 : d % 10));
            d = d / 10 ? d / 10 : next_u64();
        }
        if (point == digits)
            buf[n++] = '.';
        buf[n] = '\0';
        double got;
        assert_true(lc__parse_number(buf, n, &got));
        double want = strtod(buf, NULL);
        if (memcmp(&got, &want, sizeof got) != 0)
            fail_msg("'%s' parsed as %.17g, strtod says %.17g", buf, got, want);
    }
}

static void did_you_mean(void **state)
{
    (void)state;
    static const char *const keys[] = {"cap", "max_leverage", "mmr", "maintenance_amount"};
    assert_string_equal(lc__did_you_mean("max_leverge", keys, 4), "max_leverage");
    assert_string_equal(lc__did_you_mean("mrm", keys, 4), "mmr");
    assert_string_equal(lc__did_you_mean("maintenance_amnt", keys, 4), "maintenance_amount");
    assert_null(lc__did_you_mean("colour", keys, 4));
    assert_null(lc__did_you_mean("x", keys, 4));
}

/* Two decimals: printf's "%.2f" is the reference below 1e15, both signs, the
 * exact ties (k + 1/2 cents that are binary fractions: 0.125, 2.375...), the values
 * either side of a tie and the neighbours of x.xx5 that printf rounds by their exact
 * binary value. */
static void check_fixed2(double v)
{
    char ours[48], ref[48];
    ours[lc__fixed2(v, ours)] = '\0';
    if (fabs(v) >= 1e15) /* past a quadrillion: the shortest form */
        ref[lc__dtoa(v, ref)] = '\0';
    else
        snprintf(ref, sizeof ref, "%.2f", v);
    if (strcmp(ours, ref) != 0)
        fail_msg("%.17g: %s, printf says %s", v, ours, ref);
}

static void fixed2_matches_printf(void **state)
{
    (void)state;
    static const double known[] = {0,     -0.0,   0.005, 0.015,  0.125, 0.375, 1.005,
                                   2.675, 1.125,  0.045, 1e15, 999999999999999.9, 4.5e13, 4503599627370.49,
                                   45035996273704.96, 1e300, 123.455, 99.995, -0.004};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        check_fixed2(known[i]);
        check_fixed2(-known[i]);
    }
    /* Exact ties: n/8 for n odd has a half cent for n = 1, 3, 5, 7 (mod 8). */
    for (int n = 1; n < 200000; n += 2) {
        double v = n / 8.0;
        check_fixed2(v);
        check_fixed2(nextafter(v, 0));
        check_fixed2(nextafter(v, HUGE_VAL));
    }
    /* Half cents as decimals: x.xx5 is rarely exact, and its neighbours decide. */
    for (int c = 0; c < 200000; c++) {
        double v = (c + 0.5) / 100;
        check_fixed2(v);
        check_fixed2(nextafter(v, 0));
        check_fixed2(nextafter(v, HUGE_VAL));
    }
    for (int i = 0; i < 1000000; i++) {
        uint64_t r = next_u64();
        double mag = ldexp((double)(r >> 11), -53) * 2; /* [0, 2) */
        int e = (int)(next_u64() % 70) - 20;             /* 1e-20 .. 1e50 */
        double v = mag * pow(10, e);
        check_fixed2((r & 1) ? -v : v);
    }
}

/* The escaper of the report's strings against a byte-at-a-time one written here: strings
 * of every length up to 40, each byte a quote, a backslash, a control character, UTF-8 or
 * plain text, so every position within and across its 8-byte words is covered. */
static size_t escape_ref(const char *s, char *out)
{
    size_t n = 0;
    out[n++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c == '\n' || c == '\t' || c == '\r') {
            out[n++] = '\\';
            out[n++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
        } else if (c < 0x20) {
            n += (size_t)sprintf(out + n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    return n;
}

/* An lc__out over a FILE in memory: what it wrote is text[0..len) once closed. */
typedef struct mem_file {
    char *text;
    size_t len;
    FILE *f;
    lc__out o;
} mem_file;

static void mem_file_open(mem_file *m)
{
    m->text = NULL;
    m->len = 0;
    m->f = open_memstream(&m->text, &m->len);
    assert_non_null(m->f);
    assert_int_equal(lc__out_init(&m->o, m->f), LC_OK);
}

static void mem_file_close(mem_file *m)
{
    assert_int_equal(lc__out_finish(&m->o), LC_OK);
    fclose(m->f);
}

static void json_strings_escaped(void **state)
{
    (void)state;
    static const char kinds[] = "\"\\\n\t\r\x01\x1f\x7f\x80\xc3\xa9 az09{}:,";
    mem_file m;
    mem_file_open(&m);
    char *want = malloc(20000 * 40 * 6 + 16);
    assert_non_null(want);
    size_t want_len = 0;
    for (int i = 0; i < 20000; i++) {
        char s[41];
        size_t len = next_u64() % 41;
        for (size_t k = 0; k < len; k++) {
            uint64_t r = next_u64();
            s[k] = r % 4 ? 'a' + (char)(r % 26) : kinds[(r >> 8) % (sizeof kinds - 1)];
        }
        s[len] = '\0';
        lc__out_json_str(&m.o, s);
        want_len += escape_ref(s, want + want_len);
    }
    mem_file_close(&m);
    assert_int_equal(m.len, want_len);
    assert_memory_equal(m.text, want, want_len);
    free(m.text);
    free(want);
}

/* A memory sink grows past several times its first buffer and keeps every byte in
 * order; its buffer is handed over and, given back, reused as it is. The expected text
 * is spelled here without the sink: the whole number i/4 and its quarter. */
static void memory_sink_grows_in_place(void **state)
{
    (void)state;
    lc__out o;
    assert_int_equal(lc__out_init_mem(&o, NULL, 0), LC_OK);
    size_t first_cap = o.cap;
    const size_t n = 400000;
    char *want = malloc(n * 16);
    assert_non_null(want);
    size_t want_len = 0;
    static const char *quarter[] = {"", ".25", ".5", ".75"};
    for (size_t i = 0; i < n; i++) {
        if (i % 3 == 0)
            lc__out_num(&o, (double)i / 4);
        else
            lc__out_printf(&o, "%zu%s", i / 4, quarter[i % 4]);
        lc__out_char(&o, ',');
        want_len += (size_t)sprintf(want + want_len, "%zu%s,", i / 4, quarter[i % 4]);
    }
    char *buf;
    size_t len, cap;
    assert_int_equal(lc__out_take(&o, &buf, &len, &cap), LC_OK);
    assert_true(cap >= 2 * first_cap); /* it grew */
    assert_true(len > first_cap);
    assert_int_equal(len, want_len);
    assert_memory_equal(buf, want, len);
    assert_null(o.buf);
    char *again = buf;
    assert_int_equal(lc__out_init_mem(&o, buf, cap), LC_OK);
    lc__out_lit(&o, "x");
    assert_int_equal(lc__out_take(&o, &buf, &len, &cap), LC_OK);
    assert_ptr_equal(buf, again);
    assert_int_equal(len, 1);
    assert_memory_equal(buf, "x", 1);
    lc__free(buf);
    free(want);
}

/* lc__out_write sends a run of megabytes to the FILE directly, after what was buffered
 * and before what follows. */
static void large_runs_written_in_order(void **state)
{
    (void)state;
    mem_file m;
    mem_file_open(&m);
    size_t big = 3u << 20;
    char *run = malloc(big);
    assert_non_null(run);
    for (size_t i = 0; i < big; i++)
        run[i] = (char)('a' + i % 26);
    lc__out_lit(&m.o, "head,");
    lc__out_write(&m.o, run, big);
    lc__out_lit(&m.o, ",mid,");
    lc__out_write(&m.o, run, 10);
    lc__out_lit(&m.o, ",tail");
    mem_file_close(&m);
    assert_int_equal(m.len, 5 + big + 5 + 10 + 5);
    assert_memory_equal(m.text, "head,", 5);
    assert_memory_equal(m.text + 5, run, big);
    assert_memory_equal(m.text + 5 + big, ",mid,abcdefghij,tail", 20);
    free(m.text);
    free(run);
}

/* The indexes' hash spreads ids and names that differ in a few characters anywhere
 * over the low bits the indexes use, as a random function would: of n keys hashed to
 * m slots, about m (1 - e^(-n/m)) distinct slots, here at least 97% of that. */
static void hash_spreads_like_random(void **state)
{
    (void)state;
    /* Each key: a prefix, the number, a suffix. */
    static const char *const forms[][2] = {{"acct-", ""},        {"", ""},
                                           {"u", "-main"},       {"BTC-27DEC24-", "-C"},
                                           {"M", "USDT"},        {"", ".eth.usdc.perp.long-name"}};
    const unsigned bits = 18, m = 1u << bits, n = 100000;
    unsigned char *seen = malloc(m);
    assert_non_null(seen);
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        memset(seen, 0, m);
        unsigned distinct = 0;
        for (unsigned i = 0; i < n; i++) {
            char key[64];
            int len = snprintf(key, sizeof key, "%s%07u%s", forms[f][0], i, forms[f][1]);
            if (f % 2)
                len = snprintf(key, sizeof key, "%s%u%s", forms[f][0], i, forms[f][1]);
            uint32_t h = lc__hash(key, (size_t)len) & (m - 1);
            distinct += !seen[h];
            seen[h] = 1;
        }
        double want = m * (1 - exp(-(double)n / m));
        if (distinct < 0.97 * want)
            fail_msg("%sN%s: %u distinct slots of %u, a random function gives %.0f",
                     forms[f][0], forms[f][1], distinct, m, want);
    }
    /* Short keys too: every length from 0 to 3 bytes hashes without reading past them. */
    assert_int_not_equal(lc__hash("a", 1), lc__hash("b", 1));
    assert_int_not_equal(lc__hash("ab", 2), lc__hash("ba", 2));
    assert_int_not_equal(lc__hash("", 0), lc__hash("\0", 1));
    free(seen);
}

/* lc__same_bytes against memcmp: at every length to 40, equal texts, and texts that
 * differ in one byte at each position, by one bit or by all of them. Each text is copied
 * to a buffer of its own length, so that ASan sees any read past it. */
static void same_bytes_as_memcmp(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 40; n++) {
        char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1);
        assert_non_null(a);
        assert_non_null(b);
        for (size_t i = 0; i < n; i++)
            a[i] = (char)('a' + (i * 7) % 26);
        memcpy(b, a, n);
        assert_true(lc__same_bytes(a, b, n));
        for (size_t at = 0; at < n; at++) {
            for (int flip = 0; flip < 2; flip++) {
                b[at] = (char)(a[at] ^ (flip ? 0xff : 0x01));
                if (lc__same_bytes(a, b, n))
                    fail_msg("%zu bytes differing at %zu: taken for the same", n, at);
                b[at] = a[at];
            }
        }
        free(a);
        free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dtoa_known_values),     cmocka_unit_test(dtoa_round_trips),
        cmocka_unit_test(parse_numbers),         cmocka_unit_test(parse_matches_strtod),
        cmocka_unit_test(did_you_mean),         cmocka_unit_test(fixed2_matches_printf),
        cmocka_unit_test(parse_plain_limits),    cmocka_unit_test(json_strings_escaped),
        cmocka_unit_test(memory_sink_grows_in_place),
        cmocka_unit_test(large_runs_written_in_order),
        cmocka_unit_test(hash_spreads_like_random),
        cmocka_unit_test(same_bytes_as_memcmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
