/*
 * test_shortest.c - every double is printed with the fewest significant digits that read
 * back to it, and of those the closest to its exact value.
 *
 * The reference is brute force through the C library: the shortest precision N for which
 * printf's correctly rounded "%.{N-1}e" reads back. Run with a seed and a count, so the
 * ten million random doubles are spread over several test processes; the known hard
 * cases run in every one.
 *   test_shortest SEED COUNT
 */
#include "base/prefix.h"

#include "base/base.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next_u64(void) /* xorshift64* */
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * UINT64_C(2685821657736338717);
}

/* The significant digits of a printed number, without sign, point, exponent or the
 * leading and trailing zeros. */
static int digits_of(const char *s, char *d)
{
    int n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            d[n++] = *s;
    d[n] = '\0';
    int a = 0;
    while (a < n && d[a] == '0')
        a++;
    while (n > a && d[n - 1] == '0')
        n--;
    memmove(d, d + a, (size_t)(n - a));
    d[n - a] = '\0';
    return n - a;
}

static long failures;

static void check(double v)
{
    char buf[40], ref[40], ours[24], want[24];
    buf[lc__dtoa(v, buf)] = '\0';
    /* The entry point for values seldom short skips the short path only. */
    char other[40];
    other[lc__dtoa_long(v, other)] = '\0';
    if (strcmp(other, buf) != 0 && failures++ < 20)
        fprintf(stderr, "%.17g printed as %s, and as %s by lc__dtoa_long\n", v, buf, other);
    /* No zero ends a fraction (the digit count below ignores them): "1.5", never "1.50". */
    const char *e = strchr(buf, 'e'), *end = e ? e : buf + strlen(buf);
    if (strchr(buf, '.') && (end[-1] == '0' || end[-1] == '.') && failures++ < 20)
        fprintf(stderr, "%.17g printed as %s, with a trailing zero or point\n", v, buf);
    if (strtod(buf, NULL) != v) {
        if (failures++ < 20)
            fprintf(stderr, "%.17g printed as %s does not read back\n", v, buf);
        return;
    }
    int n = digits_of(buf, ours);
    /* Shortest round-tripping precision, searched upward from 1. Below it nothing of
     * that length reads back (the nearest one does not). */
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(ref, sizeof ref, "%.*e", prec - 1, v);
        if (strtod(ref, NULL) == v)
            break;
    }
    snprintf(ref, sizeof ref, "%.*e", prec - 1, v);
    digits_of(ref, want);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bool pow2 = (bits & ((UINT64_C(1) << 52) - 1)) == 0;
    /* At a power of two the interval below is half as wide: a longer neighbour above may
     * read back where the nearest does not, so there ours may be shorter than the
     * nearest-based reference, never longer. */
    bool ok = pow2 ? n <= prec : n == prec && strcmp(ours, want) == 0;
    if (!ok && failures++ < 20)
        fprintf(stderr, "%.17g printed as %s (%d digits); shortest is %s (%d digits)\n", v, buf,
                n, ref, prec);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_shortest SEED COUNT\n");
        return 2;
    }
    state = strtoull(argv[1], NULL, 10) * UINT64_C(0x9E3779B97F4A7C15) + 1;
    long count = strtol(argv[2], NULL, 10);

    /* Known hard cases: both ends of the range, subnormals, the powers of two (narrow
     * lower interval), powers of ten, 2^53 and neighbours, and a value a Grisu2 printer
     * gives one digit too long. */
    static const double hard[] = {
        5e-324, 1e-323, 2.2250738585072009e-308, 2.2250738585072014e-308,
        1.7976931348623157e308, 1e23, 8.41e21, 5.764607523034235e39, 9007199254740991.0,
        9007199254740992.0, 9007199254740994.0, 1264.2483878882, 0.3, 2.9802322387695312e-8,
        1.2345678901234567e-300, 4.35e-6, 123456789012345680.0, 1e-7, 1e21, 0.1 + 0.2};
    for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++)
        check(hard[i]);
    /* One value down each of Dragonbox's rarer turns: the upper end exact and outside
     * (odd significand), the remainder at the interval's width (left to the lower end's
     * fraction, both ways), and in the digit-more case the exact product's parity read,
     * moving the last digit down (parity) or not (tie to even). */
    static const double turns[] = {0x1.c78a0ff48921fp+55, 0x1.997c2961dc636p-5,
                                   0x1.a1524b4f6e1dbp+62, 0x1.cf99440ab4046p-15,
                                   0x1.d84c22591c1d9p+50};
    for (size_t i = 0; i < sizeof turns / sizeof turns[0]; i++) {
        check(turns[i]);
        check(nextafter(turns[i], 0));
        check(nextafter(turns[i], HUGE_VAL));
    }
    /* Powers of two and of ten with their neighbours: every exponent, so every row of
     * the power-of-ten table and both interval shapes. */
    for (int e = -1074; e <= 1023; e++) {
        double p = ldexp(1.0, e);
        check(p);
        if (e > -1074)
            check(nextafter(p, 0));
        if (e < 1023)
            check(nextafter(p, HUGE_VAL));
    }
    for (int e = -323; e <= 308; e++) {
        double p = pow(10.0, e);
        check(p);
        check(nextafter(p, 0));
        check(nextafter(p, HUGE_VAL));
    }
    long tested = 0;
    for (long i = 0; i < count; i++) {
        uint64_t bits = next_u64();
        double v;
        if (i % 4 == 3) {
            /* Decimal-like values with up to 8 decimals, where exact trailing zeros and
             * round-half-even decide. */
            v = (double)(bits % UINT64_C(100000000000000)) / pow(10.0, (double)((bits >> 60) % 9));
        } else {
            bits &= ~(UINT64_C(1) << 63);
            memcpy(&v, &bits, sizeof v);
        }
        if (!isfinite(v) || v == 0)
            continue;
        check(v);
        tested++;
    }
    printf("%ld random doubles checked, %ld failures\n", tested, failures);
    return failures ? 1 : 0;
}
