/*
 * dtoa.c - double to the shortest decimal text that reads back to the same double.
 *
 * Two algorithms over one table of 128-bit powers of ten (tools/gen-pow10-table.py):
 *  - Dragonbox (Junekey Jeon, "Dragonbox: A New Floating-Point Binary-to-Decimal
 *    Conversion Algorithm", 2020) for most doubles: one 64 x 128-bit product gives the
 *    interval's upper end scaled to three digits more than the shortest can have;
 *    dividing by 1000 tries the shortest length first, else one digit more is taken from
 *    the remainder, and a second product's parity settles the rare ties.
 *  - Schubfach (Raffaello Giulietti, "The Schubfach way to render doubles", 2020) for
 *    the rest: a power of two, whose interval is narrower below it, and the smallest
 *    exponents, beyond the table's range for Dragonbox. The interval is scaled to one to
 *    ten units, each end rounded to odd, and the shortest candidate, or of the shortest
 *    the closest to the exact value, chosen by comparisons.
 * Both give the shortest text that reads back, and of those the closest (ties to an even
 * digit): the same digits. Before them, whole numbers and short decimals (prices,
 * quantities, their products) take a shorter path that checks its result by reading it
 * back.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <math.h>
#include <string.h>

#include "base/digits.h"
#include "base/pow10_table.h"

#define MANTISSA_BITS 52

/* floor(x / 2^n), also for negative x. */
static int32_t floor_shift(int32_t x, int n)
{
    return x >= 0 ? x >> n : ~(~x >> n);
}

/* The top 64 bits of the 192-bit product g * cp, rounded to odd: the lowest bit is set
 * when any bit below was, so comparisons with even numbers come out as with the exact
 * product. */
static uint64_t round_to_odd(const uint64_t g[2], uint64_t cp)
{
    u128 lo = (u128)cp * g[1];
    u128 hi = (u128)cp * g[0] + (uint64_t)(lo >> 64);
    return (uint64_t)(hi >> 64) | ((uint64_t)hi != 0);
}

/* The shortest decimal of the positive finite double with these IEEE fields, and of
 * those the closest (ties to an even digit): *digits * 10^*exp, with trailing zeros. */
static void schubfach(uint64_t ieee_m, uint32_t ieee_e, uint64_t *digits, int32_t *exp)
{
    uint64_t c;
    int32_t q;
    if (ieee_e == 0) {
        c = ieee_m;
        q = -1074;
    } else {
        c = (UINT64_C(1) << MANTISSA_BITS) | ieee_m;
        q = (int32_t)ieee_e - 1075;
    }
    /* v = c 2^q. Its rounding interval runs from (c - 1/2) 2^q, or (c - 1/4) 2^q just
     * above a power of two, to (c + 1/2) 2^q; its ends belong to it when c is even
     * (round half to even reads them back as v). In units of 2^q / 4: */
    bool closer_below = ieee_m == 0 && ieee_e > 1;
    bool even = (c & 1) == 0;
    uint64_t cbl = 4 * c - 2 + closer_below, cb = 4 * c, cbr = 4 * c + 2;

    /* k = floor(log10(2^q)), or floor(log10(3/4 2^q)) for the narrower interval, so that
     * 10^-k scales the interval to between one and ten units (the paper's section 9; the
     * constants approximate log10(2) and log10(4/3) in 22 bits, exactly over q's range). */
    int32_t k = floor_shift(q * 1262611 - (closer_below ? 524031 : 0), 22);
    /* 10^-k = g 2^r with 2^127 <= g < 2^128 and r = floor(log2(10^-k)) - 127; shifting
     * by h = q + r + 128 makes each product below its end of the interval times 4 10^-k. */
    int32_t h = q + floor_shift(-k * 1741647, 19) + 1;
    const uint64_t *g = pow10_g[-k - LC__POW10_MIN];
    uint64_t vbl = round_to_odd(g, cbl << h);
    uint64_t vb = round_to_odd(g, cb << h);
    uint64_t vbr = round_to_odd(g, cbr << h);
    uint64_t lower = vbl + !even, upper = vbr - !even;

    /* s = floor(v 10^-k). One digit fewer first: if exactly one of the multiples of ten
     * around s lies in the interval, it is the shortest (Figure 6); otherwise the one of
     * s, s + 1 inside, or the nearer to v when both are. */
    uint64_t s = vb >> 2;
    if (s >= 10) {
        uint64_t sp = s / 10;
        bool up_in = lower <= 40 * sp, wp_in = 40 * sp + 40 <= upper;
        if (up_in != wp_in) {
            *digits = sp + wp_in;
            *exp = k + 1;
            return;
        }
    }
    bool u_in = lower <= 4 * s, w_in = 4 * s + 4 <= upper;
    if (u_in != w_in) {
        *digits = s + w_in;
        *exp = k;
        return;
    }
    uint64_t mid = 4 * s + 2;
    *digits = s + (vb > mid || (vb == mid && (s & 1)));
    *exp = k;
}

/* The low 128 bits of x g (g of 128 bits): whether the bit of weight 2^(64 - beta) in
 * them is set (the parity of x g 2^(beta - 128), taken as a whole number), and whether
 * all the bits below it are zero (that number is exact). */
static void mul_parity(uint64_t x, u128 g, int32_t beta, bool *parity, bool *exact)
{
    u128 low = (u128)x * (uint64_t)g;
    uint64_t hi = x * (uint64_t)(g >> 64) + (uint64_t)(low >> 64), lo = (uint64_t)low;
    *parity = ((hi >> (64 - beta)) & 1) != 0;
    *exact = ((hi << beta) | (lo >> (64 - beta))) == 0;
}

/* As schubfach, for a normal double that is not a power of two, whose biased exponent
 * is at least 6 (10^-k within the table). Section 5 of the paper, with kappa = 2.
 * Returns whether the digits may end in zeros: only when the shorter length was taken.
 * One digit more never ends in 0, as the shorter number that would then be in the
 * interval is what the first step finds whenever there is one. */
static bool dragonbox(uint64_t ieee_m, uint32_t ieee_e, uint64_t *digits, int32_t *exp)
{
    uint64_t c = (UINT64_C(1) << MANTISSA_BITS) | ieee_m;
    int32_t q = (int32_t)ieee_e - 1075;
    bool even = (c & 1) == 0; /* the interval's ends read back as v: they belong to it */
    /* k = floor(log10(2^q)) - 2: v 10^-k has the shortest length's digits and three
     * more (315653 / 2^20 approximates log10(2), exactly over q's range). g is 10^-k
     * rounded up to 128 bits: the table's entry, which is one more than the exact value
     * where 10^-k 2^-r is a whole number (-k from 0 to 55, as 5^55 < 2^128). */
    int32_t k = floor_shift(q * 315653, 20) - 2;
    const uint64_t *gp = pow10_g[-k - LC__POW10_MIN];
    u128 g = ((u128)gp[0] << 64 | gp[1]) - (k <= 0 && k >= -55);
    int32_t beta = q + floor_shift(-k * 1741647, 19); /* 6 to 9 */
    /* The interval's half-width and upper end, in units of 10^k / 2, as whole numbers
     * (z) with whether z is exact. */
    uint32_t delta = (uint32_t)((uint64_t)(g >> 64) >> (63 - beta));
    uint64_t u = ((c << 1) | 1) << beta;
    u128 zr = (u128)u * (uint64_t)(g >> 64) + (uint64_t)(((u128)u * (uint64_t)g) >> 64);
    uint64_t z = (uint64_t)(zr >> 64);
    bool z_exact = (uint64_t)zr == 0;
    /* The largest multiple of 1000 at or below the upper end is in the interval when the
     * remainder is below its width; at the width itself the lower end's fraction says. */
    uint64_t s = z / 1000;
    uint32_t r = (uint32_t)(z - 1000 * s);
    bool parity, exact;
    if (r < delta) {
        if (r == 0 && z_exact && !even) { /* the upper end itself, outside */
            s--;
            r = 1000;
            goto one_more;
        }
    } else if (r > delta) {
        goto one_more;
    } else {
        mul_parity((c << 1) - 1, g, beta, &parity, &exact);
        if (!(parity || (exact && even)))
            goto one_more;
    }
    *digits = s;
    *exp = k + 3;
    return true;
one_more:
    /* One digit more: the nearest to v of the multiples of 100 in the interval, found
     * from the distance to its middle (dist / 100 by multiplying by 656 / 2^16, exact
     * below 1100, which also tells whether the division was). Only when v falls exactly
     * between two does the parity of the exact product decide, ties to even. */
    s *= 10;
    uint32_t dist = r - delta / 2 + 50;
    bool approx_parity = ((dist ^ 50) & 1) != 0;
    uint32_t m = dist * 656;
    bool divisible = (m & 0xffff) < 656;
    s += m >> 16;
    if (divisible) {
        mul_parity(c << 1, g, beta, &parity, &exact);
        if (parity != approx_parity)
            s--;
        else if ((s & 1) && exact)
            s--;
    }
    *digits = s;
    *exp = k + 2;
    return false;
}

static size_t write_exponent(int e, char *p)
{
    size_t n = 0;
    p[n++] = 'e';
    p[n++] = e < 0 ? '-' : '+';
    unsigned u = (unsigned)(e < 0 ? -e : e);
    if (u >= 100) {
        p[n++] = (char)('0' + u / 100);
        u %= 100;
        p[n++] = (char)('0' + u / 10);
    } else if (u >= 10) {
        p[n++] = (char)('0' + u / 10);
    }
    p[n++] = (char)('0' + u % 10);
    return n;
}

/* Lays out "len" digits with decimal exponent "k" (value = digits * 10^k) the way
 * JavaScript prints numbers: plain notation for 1e-6 <= |v| < 1e21, else d.ddde+XX. */
static size_t layout(const char *dg, int len, int k, char *p)
{
    int kk = len + k; /* 10^(kk-1) <= v < 10^kk */
    if (k >= 0 && kk <= 21) {
        memcpy(p, dg, (size_t)len);
        memset(p + len, '0', (size_t)k);
        return (size_t)kk;
    }
    if (kk > 0 && kk <= 21) {
        memcpy(p, dg, (size_t)kk);
        p[kk] = '.';
        memcpy(p + kk + 1, dg + kk, (size_t)(len - kk));
        return (size_t)len + 1;
    }
    if (kk > -6 && kk <= 0) {
        int z = -kk;
        p[0] = '0';
        p[1] = '.';
        memset(p + 2, '0', (size_t)z);
        memcpy(p + 2 + z, dg, (size_t)len);
        return (size_t)(2 + z + len);
    }
    size_t n = 0;
    p[n++] = dg[0];
    if (len > 1) {
        p[n++] = '.';
        memcpy(p + n, dg + 1, (size_t)len - 1);
        n += (size_t)len - 1;
    }
    return n + write_exponent(kk - 1, p + n);
}

/* The general path for finite v > 0, after the "n" bytes of its sign: a function of its
 * own, so that the short path above does not pay for its registers. */
static __attribute__((noinline)) size_t general(double v, char *out, size_t n)
{
    uint64_t bits, dg;
    int32_t e10;
    memcpy(&bits, &v, sizeof bits);
    uint64_t ieee_m = bits & ((UINT64_C(1) << MANTISSA_BITS) - 1);
    uint32_t ieee_e = (uint32_t)(bits >> MANTISSA_BITS) & 0x7ff;
    bool zeros = true;
    if (ieee_e >= 6 && ieee_m != 0)
        zeros = dragonbox(ieee_m, ieee_e, &dg, &e10);
    else
        schubfach(ieee_m, ieee_e, &dg, &e10);
    while (zeros && dg % 10 == 0) { /* the shortest has none: 1e23 comes as 10 * 10^22 */
        dg /= 10;
        e10++;
    }
    /* Most often the point falls inside the digits: write them in place and open it. */
    int len = (int)digits10(dg), kk = len + e10;
    if (kk > 0 && kk < len) {
#ifdef LC__DIGITS_IN_REGISTERS
        /* At most 17 digits: the first apart when there are 17, then sixteen. */
        char *p = out + n;
        unsigned at = (unsigned)kk;
        if (len == 17) {
            p[0] = (char)('0' + dg / UINT64_C(10000000000000000));
            dg %= UINT64_C(10000000000000000);
            p++;
            at--;
        } else {
            dg *= pow10_u64[16 - len];
        }
        u128 d = digits16(dg);
        if (at == 0) {
            p[0] = '.';
            put16(p + 1, d);
        } else {
            put16(p, with_point(d, at));
            p[16] = (char)(d >> 120);
        }
#else
        lc__write_digits(dg, 1, out + n);
        open_point(out, n + (size_t)kk, (size_t)(len - kk));
#endif
        return n + (size_t)len + 1;
    }
#ifdef LC__DIGITS_IN_REGISTERS
    /* Below one, down to 10^-6 (a ratio, a small margin): "0.", the zeros, the digits. */
    if (kk <= 0 && kk > -6) {
        char *p = out + n;
        memcpy(p, "0.000000", 8);
        p += 2 - kk;
        if (len == 17) {
            p[0] = (char)('0' + dg / UINT64_C(10000000000000000));
            dg %= UINT64_C(10000000000000000);
            p++;
        } else {
            dg *= pow10_u64[16 - len];
        }
        put16(p, digits16(dg));
        return n + (size_t)(2 - kk + len);
    }
#endif
    char digits[24];
    lc__write_digits(dg, 1, digits);
    return n + layout(digits, len, e10, out + n);
}

size_t lc__dtoa(double v, char *out)
{
    lc_assert(isfinite(v));
    size_t n = 0;
    if (v == 0) {
        out[0] = '0';
        return 1;
    }
    if (v < 0) {
        out[n++] = '-';
        v = -v;
    }
    /* Whole numbers below 2^53 are exact integers: print them directly. */
    /* (int64_t, not uint64_t: one instruction each way on x86-64, and exact here.) */
    if (v < 9007199254740992.0 && v == (double)(int64_t)v)
        return n + lc__write_digits((uint64_t)(int64_t)v, 1, out + n);
    /* Prices and quantities have a few decimals, and so do their products (a notional
     * of qty 1.5 at 101.25) and the margins taken from those. Such a value times 10^D
     * lies within a few ulps of a whole number k, and if k / 10^D (both exact, so the
     * division rounds correctly) gives back v, k's digits with a point before the last D
     * and the trailing zeros dropped read back to v, with the fewest decimals. One
     * multiplication screens out every other value before the general path. D is 8 below
     * 10^7 and 4 up to 10^11, keeping k below 10^15. */
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    if (v >= 1e-6 && v < 1e11) {
        int dmax = v < 1e7 ? 8 : 4;
        double x = v * p10[dmax];
        uint64_t kk = (uint64_t)(int64_t)(x + 0.5); /* x < 10^15 */
        double diff = x - (double)(int64_t)kk;
        if (diff <= x * 1e-15 && -diff <= x * 1e-15 && (double)(int64_t)kk / p10[dmax] == v) {
            /* k is no multiple of 10^dmax (whole numbers left above), so its last digit
             * other than 0 lies after the point, and ends the text. */
#ifdef LC__DIGITS_IN_REGISTERS
            /* At most four decimals below 10^4, as most prices and quantities have: the
             * digits of k / 10^4 (at least five, for a leading "0.") fill one 8-digit
             * word, with the point before its last four. */
            if (dmax == 8 && kk % 10000 == 0 && kk < UINT64_C(1000000000000)) {
                uint32_t k4 = (uint32_t)(kk / 10000);
                unsigned len8 = digits10(k4) < 5 ? 5 : digits10(k4);
                uint64_t w = digits8(k4 * (uint32_t)pow10_u64[8 - len8]);
                char ninth;
                uint64_t t = with_point8(w, len8 - 4, &ninth);
                memcpy(out + n, &t, 8);
                out[n + 8] = ninth;
                return n + last_nonzero8(w) + 2;
            }
#endif
            /* Otherwise the digits of k, at least dmax + 1, as one 16-digit word (k below
             * 10^15), with the point before the last dmax. */
            unsigned len = digits10(kk);
            if ((int)len < dmax + 1)
                len = (unsigned)dmax + 1;
#ifdef LC__DIGITS_IN_REGISTERS
            u128 d = digits16(kk * pow10_u64[16 - len]);
            put16(out + n, with_point(d, len - (unsigned)dmax)); /* len <= 15: nothing lost */
            return n + last_nonzero_in(d) + 2;
#else
            store16(out + n, kk * pow10_u64[16 - len]);
            unsigned last = last_nonzero16(out + n);
            size_t at = n + len - (size_t)dmax;
            open_point(out, at, n + last + 1 - at);
            return n + last + 2;
#endif
        }
    }
    return general(v, out, n);
}

/* Quotients and sums of products (a liquidation price, a ratio, a PnL) are seldom short
 * decimals: the short path's test costs them more than it saves the few that are. The
 * text is lc__dtoa's, whose general path takes every value that test turns down. */
size_t lc__dtoa_long(double v, char *out)
{
    lc_assert(isfinite(v));
    if (v == 0) { /* either sign: "0", as lc__dtoa writes it */
        out[0] = '0';
        return 1;
    }
    out[0] = '-'; /* written over by the digits when v is positive */
    return general(fabs(v), out, v < 0);
}

char *lc__numstr(double v, char *buf)
{
    if (isnan(v))
        strcpy(buf, "nan");
    else if (isinf(v))
        strcpy(buf, v < 0 ? "-inf" : "inf");
    else
        buf[lc__dtoa(v, buf)] = '\0';
    return buf;
}
