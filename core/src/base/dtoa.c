/*
 * dtoa.c - double to the shortest decimal text that reads back to the same double.
 *
 * Implements Schubfach (Raffaello Giulietti, "The Schubfach way to render doubles",
 * 2020): the double's rounding interval is scaled by a power of ten that leaves it one
 * to ten units wide, each end computed with one 128-bit power of ten (tools/gen-pow10-
 * table.py) and rounded to odd, so that at most two candidates remain, and the shortest
 * of them, or of the shortest the closest to the exact value, is chosen by comparisons.
 * Before that, whole numbers and short decimals (prices, quantities, their products)
 * take a shorter path that checks its result by reading it back.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <math.h>
#include <string.h>

#include "base/pow10_table.h"

__extension__ typedef unsigned __int128 u128; /* gcc and clang; not ISO C */

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

static const uint64_t pow10_u64[20] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u,
    10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
    1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u,
    10000000000000000000u};

/* The number of decimal digits of "u" (1 for 0): from its bit length, one comparison. */
static unsigned digits10(uint64_t u)
{
    unsigned bits = 64 - (unsigned)__builtin_clzll(u | 1);
    unsigned t = (bits * 1233) >> 12; /* log10(2) = 1233 / 4096, a floor up to 2^64 */
    return t + ((u | 1) >= pow10_u64[t]); /* u | 1: 0 has one digit too */
}

/*
 * Digits are written as whole words, most significant first: a number of "len" digits
 * is first multiplied by 10^(8 - len) or 10^(16 - len), so that its digits fill the
 * word from the left and the word can be stored whole at "out". The bytes past the
 * digits are then zeros that nobody reads: callers give room for the whole word.
 *
 * With SSE2 (every x86-64) eight digits come from one 8-digit number in a dozen vector
 * instructions, and sixteen from two at once; elsewhere, on a little-endian machine, a
 * 64-bit register does eight digits as bytes; the rest use a pair table. The tests build
 * all three (LC__DIGITS_SWAR, LC__DIGITS_PAIRS select the others).
 */
#if defined(__SSE2__) && !defined(LC__DIGITS_SWAR) && !defined(LC__DIGITS_PAIRS)
#include <emmintrin.h>

/* v < 10^8 as eight 16-bit lanes holding its digits, most significant first: the two
 * 4-digit halves, each divided by 1000, 100, 10 and 1 at once (by multiplying high
 * halves with scaled reciprocals, exact below 10^4), less ten times the lane before. */
static __m128i eight_lanes(uint32_t v)
{
    const __m128i div10000 = _mm_set1_epi32((int)0xd1b71759);
    const __m128i ten_thousand = _mm_set1_epi32(10000);
    const __m128i recip = _mm_setr_epi16(8389, 5243, 13108, (short)32768, 8389, 5243, 13108,
                                         (short)32768);
    const __m128i shift = _mm_setr_epi16(1 << 7, 1 << 11, 1 << 13, (short)(1 << 15), 1 << 7,
                                         1 << 11, 1 << 13, (short)(1 << 15));
    const __m128i ten = _mm_set1_epi16(10);
    __m128i x = _mm_cvtsi32_si128((int)v);
    __m128i hi = _mm_srli_epi64(_mm_mul_epu32(x, div10000), 45); /* v / 10^4 */
    __m128i lo = _mm_sub_epi32(x, _mm_mul_epu32(hi, ten_thousand));
    __m128i both = _mm_slli_epi64(_mm_unpacklo_epi16(hi, lo), 2);
    both = _mm_unpacklo_epi16(both, both);
    both = _mm_unpacklo_epi32(both, both); /* 4*hi in lanes 0-3, 4*lo in lanes 4-7 */
    __m128i prefixes = _mm_mulhi_epu16(_mm_mulhi_epu16(both, recip), shift);
    return _mm_sub_epi16(prefixes, _mm_slli_epi64(_mm_mullo_epi16(prefixes, ten), 16));
}

static void store8(char *out, uint32_t v)
{
    __m128i d = _mm_packus_epi16(eight_lanes(v), _mm_setzero_si128());
    _mm_storel_epi64((__m128i *)(void *)out, _mm_add_epi8(d, _mm_set1_epi8('0')));
}

/* Sixteen digits in one register: the two 8-digit halves side by side are cut into 4
 * digits (one multiplication each), those into 2 (16-bit lanes, x / 100 = x * 5243 >> 19
 * below 10^4) and those into 1 (x / 10 = x * 6554 >> 16 below 100), each step leaving the
 * quotients and remainders in order, the tens in the low byte of a lane. */
static __m128i sixteen_digits(uint64_t v)
{
    __m128i x = _mm_set_epi64x((long long)(v % 100000000u), (long long)(v / 100000000u));
    __m128i q = _mm_srli_epi64(_mm_mul_epu32(x, _mm_set1_epi32((int)0xd1b71759)), 45);
    __m128i r = _mm_sub_epi32(x, _mm_mul_epu32(q, _mm_set1_epi32(10000)));
    __m128i fours = _mm_or_si128(q, _mm_slli_epi64(r, 32));
    __m128i q2 = _mm_srli_epi16(_mm_mulhi_epu16(fours, _mm_set1_epi16(5243)), 3);
    __m128i r2 = _mm_sub_epi16(fours, _mm_mullo_epi16(q2, _mm_set1_epi16(100)));
    __m128i twos = _mm_or_si128(q2, _mm_slli_epi32(r2, 16));
    __m128i tens = _mm_mulhi_epu16(twos, _mm_set1_epi16(6554));
    __m128i ones = _mm_sub_epi16(twos, _mm_mullo_epi16(tens, _mm_set1_epi16(10)));
    __m128i d = _mm_or_si128(tens, _mm_slli_epi16(ones, 8));
    return _mm_add_epi8(d, _mm_set1_epi8('0'));
}

static void store16(char *out, uint64_t v)
{
    _mm_storeu_si128((__m128i *)(void *)out, sixteen_digits(v));
}

#define LC__DIGITS_IN_REGISTERS 1
/* The sixteen digits of v < 10^16 as a 128-bit integer whose bytes, low first, are the
 * text: what store16 would write, kept out of memory. */
static u128 digits16(uint64_t v)
{
    __m128i d = sixteen_digits(v);
    uint64_t lo = (uint64_t)_mm_cvtsi128_si64(d);
    uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_srli_si128(d, 8));
    return (u128)hi << 64 | lo;
}

#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&                \
    !defined(LC__DIGITS_PAIRS)
/* The eight decimal digits of v < 10^8 as the bytes of a little-endian word, all at
 * once: the two halves of 4 digits, then of 2, then of 1 side by side in one 64-bit
 * register (multiplications by reciprocals, exact below 10^4). */
static uint64_t word8(uint32_t v)
{
    uint64_t merged = (uint64_t)(v / 10000) | ((uint64_t)(v % 10000) << 32);
    uint64_t top = ((merged * 10486) >> 20) & ((UINT64_C(0x7F) << 32) | 0x7F);
    uint64_t hundreds = ((merged - 100 * top) << 16) + top;
    uint64_t tens = (hundreds * 103) >> 10;
    tens &= (UINT64_C(0xF) << 48) | (UINT64_C(0xF) << 32) | (UINT64_C(0xF) << 16) | 0xF;
    tens += (hundreds - 10 * tens) << 8;
    return tens | UINT64_C(0x3030303030303030);
}

static void store8(char *out, uint32_t v)
{
    uint64_t w = word8(v);
    memcpy(out, &w, 8);
}

static void store16(char *out, uint64_t v)
{
    store8(out, (uint32_t)(v / 100000000u));
    store8(out + 8, (uint32_t)(v % 100000000u));
}

#define LC__DIGITS_IN_REGISTERS 1
static u128 digits16(uint64_t v)
{
    return (u128)word8((uint32_t)(v % 100000000u)) << 64 | word8((uint32_t)(v / 100000000u));
}

#else
static void store8(char *out, uint32_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    for (int k = 6; k >= 0; k -= 2) {
        memcpy(out + k, pairs + 2 * (v % 100), 2);
        v /= 100;
    }
}

static void store16(char *out, uint64_t v)
{
    store8(out, (uint32_t)(v / 100000000u));
    store8(out + 8, (uint32_t)(v % 100000000u));
}
#endif

size_t lc__write_digits(uint64_t u, int min_digits, char *out)
{
    unsigned len = digits10(u);
    if ((int)len < min_digits)
        len = (unsigned)min_digits;
    if (len <= 8) {
        store8(out, (uint32_t)u * (uint32_t)pow10_u64[8 - len]);
    } else if (len <= 16) {
        store16(out, u * pow10_u64[16 - len]);
    } else {
        /* A head of one to four digits (u < 2^64 < 1845 * 10^16), most often one (a
         * double's 17th digit), then sixteen. */
        unsigned head = len - 16;
        uint32_t h = (uint32_t)(u / UINT64_C(10000000000000000));
        for (unsigned i = head; i > 0; i--) {
            out[i - 1] = (char)('0' + h % 10);
            h /= 10;
        }
        store16(out + head, u % UINT64_C(10000000000000000));
    }
    return len;
}

#ifndef LC__DIGITS_IN_REGISTERS
/* The index of the last byte other than '0' among the 16 at "p" (one at least is). */
static unsigned last_nonzero16(const char *p)
{
    unsigned k = 15;
    while (p[k] == '0')
        k--;
    return k;
}
#endif

#ifdef LC__DIGITS_IN_REGISTERS
/* The text "d" (16 bytes, low first) with a '.' put before its byte "at" (1..15); its
 * last byte falls off. Done in registers: writing the digits and then moving some of
 * them would load back, from inside a store still in flight, what was just written. */
static u128 with_point(u128 d, unsigned at)
{
    uint64_t lo = (uint64_t)d, hi = (uint64_t)(d >> 64);
    if (at < 8) {
        uint64_t below = (UINT64_C(1) << (8 * at)) - 1;
        hi = hi << 8 | lo >> 56;
        lo = (lo & below) | (uint64_t)'.' << (8 * at) | (lo & ~below) << 8;
    } else {
        uint64_t below = (UINT64_C(1) << (8 * (at - 8))) - 1;
        hi = (hi & below) | (uint64_t)'.' << (8 * (at - 8)) | (hi & ~below) << 8;
    }
    return (u128)hi << 64 | lo;
}

/* The index of the last byte other than '0' of "d" (one at least is). */
static unsigned last_nonzero_in(u128 d)
{
    const uint64_t zeros = UINT64_C(0x3030303030303030);
    uint64_t lo = (uint64_t)d ^ zeros, hi = (uint64_t)(d >> 64) ^ zeros;
    return hi ? 8 + (63 - (unsigned)__builtin_clzll(hi)) / 8 : (63 - (unsigned)__builtin_clzll(lo)) / 8;
}

static void put16(char *out, u128 d)
{
    memcpy(out, &d, 16);
}
#endif

#ifndef LC__DIGITS_IN_REGISTERS
/* Moves the "k" bytes at out + at one place right (k <= 17) and puts a '.' in the gap.
 * Where out's 32 bytes have room past them, two 8-byte words do it, moving bytes past the
 * digits too, which are nobody's yet; otherwise memmove. */
static void open_point(char *out, size_t at, size_t k)
{
    if (k <= 16 && at + 17 <= 32) {
        uint64_t a, b;
        memcpy(&a, out + at, 8);
        memcpy(&b, out + at + 8, 8);
        memcpy(out + at + 1, &a, 8);
        memcpy(out + at + 9, &b, 8);
    } else {
        memmove(out + at + 1, out + at, k);
    }
    out[at] = '.';
}
#endif

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
            /* The digits of k, at least dmax + 1 for a leading "0.", as one 16-digit word
             * (k < 10^15): its last digit other than 0 ends the text, and a gap opens for
             * the point before the last dmax digits. k is no multiple of 10^dmax (whole
             * numbers left above), so that digit lies after the point. */
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
    uint64_t bits, dg;
    int32_t e10;
    memcpy(&bits, &v, sizeof bits);
    schubfach(bits & ((UINT64_C(1) << MANTISSA_BITS) - 1),
              (uint32_t)(bits >> MANTISSA_BITS) & 0x7ff, &dg, &e10);
    while (dg % 10 == 0) { /* the shortest has none: 1e23 comes as 10 * 10^22 */
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
    char digits[24];
    lc__write_digits(dg, 1, digits);
    return n + layout(digits, len, e10, out + n);
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
