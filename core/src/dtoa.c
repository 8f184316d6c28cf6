/*
 * dtoa.c - double to decimal text that reads back to the same double.
 *
 * Implements Grisu2 (Loitsch, "Printing Floating-Point Numbers Quickly and Accurately
 * with Integers", PLDI 2010): exact 64-bit integer arithmetic against a cached power of
 * ten yields digits that always round-trip and are the shortest in almost every case,
 * at a small fraction of the cost of printf("%.17g") plus a read-back loop.
 */
#include "lc_prefix.h"

#include "lc_int.h"

#include <math.h>
#include <string.h>

#include "pow10_table.h"

typedef struct diyfp {
    uint64_t f; /* significand */
    int e;      /* binary exponent: value = f * 2^e */
} diyfp;

#define DP_HIDDEN (UINT64_C(1) << 52)
#define DP_FRAC_MASK (DP_HIDDEN - 1)

static diyfp from_double(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int be = (int)((bits >> 52) & 0x7ff);
    uint64_t frac = bits & DP_FRAC_MASK;
    if (be)
        return (diyfp){frac + DP_HIDDEN, be - 1075};
    return (diyfp){frac, -1074};
}

static diyfp normalize(diyfp x)
{
    int s = __builtin_clzll(x.f);
    return (diyfp){x.f << s, x.e - s};
}

/* 64x64 multiplication keeping the rounded upper half; the exponents add. */
static diyfp mul(diyfp a, diyfp b)
{
    const uint64_t m32 = 0xffffffffu;
    uint64_t a_hi = a.f >> 32, a_lo = a.f & m32, b_hi = b.f >> 32, b_lo = b.f & m32;
    uint64_t hh = a_hi * b_hi, hl = a_hi * b_lo, lh = a_lo * b_hi, ll = a_lo * b_lo;
    uint64_t mid = (ll >> 32) + (hl & m32) + (lh & m32);
    mid += UINT64_C(1) << 31; /* round the discarded half */
    return (diyfp){hh + (hl >> 32) + (lh >> 32) + (mid >> 32), a.e + b.e + 64};
}

/* The boundaries m- and m+ halfway to the neighbouring doubles, sharing m+'s exponent. */
static void boundaries(diyfp v, diyfp *minus, diyfp *plus)
{
    diyfp pl = normalize((diyfp){(v.f << 1) + 1, v.e - 1});
    diyfp mi = v.f == DP_HIDDEN ? (diyfp){(v.f << 2) - 1, v.e - 2}
                                : (diyfp){(v.f << 1) - 1, v.e - 1};
    mi.f <<= mi.e - pl.e;
    mi.e = pl.e;
    *minus = mi;
    *plus = pl;
}

/* Picks the cached power c = 10^-k such that the product's exponent lands in [-60, -32],
 * where the digit loop below works with a 32-bit integral part. */
static diyfp cached_power(int e, int *k)
{
    double dk = (-61 - e) * 0.30102999566398114 + 347;
    int ik = (int)dk;
    if (dk - ik > 0.0)
        ik++;
    unsigned idx = (unsigned)((ik >> 3) + 1);
    *k = -(LC_POW10_FIRST + (int)idx * LC_POW10_STEP);
    return (diyfp){pow10_f[idx], pow10_e[idx]};
}

static const uint32_t pow10_u32[] = {1,      10,      100,      1000,      10000,
                                     100000, 1000000, 10000000, 100000000, 1000000000};

static int count_digits(uint32_t n)
{
    int d = 1;
    while (d < 10 && n >= pow10_u32[d])
        d++;
    return d;
}

/* Moves the last digit towards the real value while the result stays inside the
 * rounding interval: this is what makes the output the closest of the short candidates. */
static void round_weed(char *buf, int len, uint64_t delta, uint64_t rest, uint64_t ten_kappa,
                       uint64_t wp_w)
{
    while (rest < wp_w && delta - rest >= ten_kappa &&
           (rest + ten_kappa < wp_w || wp_w - rest > rest + ten_kappa - wp_w)) {
        buf[len - 1]--;
        rest += ten_kappa;
    }
}

static int digit_gen(diyfp w, diyfp mp, uint64_t delta, char *buf, int *k)
{
    static const uint64_t pow10_u64[] = {
        UINT64_C(1),           UINT64_C(10),           UINT64_C(100),
        UINT64_C(1000),        UINT64_C(10000),        UINT64_C(100000),
        UINT64_C(1000000),     UINT64_C(10000000),     UINT64_C(100000000),
        UINT64_C(1000000000),  UINT64_C(10000000000),  UINT64_C(100000000000),
        UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
        UINT64_C(1000000000000000), UINT64_C(10000000000000000),
        UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
        UINT64_C(10000000000000000000)};
    int shift = -mp.e;
    uint64_t one = UINT64_C(1) << shift;
    uint64_t wp_w = mp.f - w.f;
    uint32_t p1 = (uint32_t)(mp.f >> shift);
    uint64_t p2 = mp.f & (one - 1);
    int kappa = count_digits(p1);
    int len = 0;

    while (kappa > 0) {
        /* One case per digit position, so every division is by a constant and compiles
         * to a multiplication: this loop is the hot spot of printing a report. */
        uint32_t d;
        switch (kappa) {
        case 10: d = p1 / 1000000000u; p1 %= 1000000000u; break;
        case 9: d = p1 / 100000000u; p1 %= 100000000u; break;
        case 8: d = p1 / 10000000u; p1 %= 10000000u; break;
        case 7: d = p1 / 1000000u; p1 %= 1000000u; break;
        case 6: d = p1 / 100000u; p1 %= 100000u; break;
        case 5: d = p1 / 10000u; p1 %= 10000u; break;
        case 4: d = p1 / 1000u; p1 %= 1000u; break;
        case 3: d = p1 / 100u; p1 %= 100u; break;
        case 2: d = p1 / 10u; p1 %= 10u; break;
        default: d = p1; p1 = 0; break;
        }
        if (d || len)
            buf[len++] = (char)('0' + d);
        kappa--;
        uint64_t rest = ((uint64_t)p1 << shift) + p2;
        if (rest <= delta) {
            *k += kappa;
            round_weed(buf, len, delta, rest, (uint64_t)pow10_u32[kappa] << shift, wp_w);
            return len;
        }
    }
    for (;;) {
        p2 *= 10;
        delta *= 10;
        char d = (char)(p2 >> shift);
        if (d || len)
            buf[len++] = (char)('0' + d);
        p2 &= one - 1;
        kappa--;
        if (p2 < delta) {
            *k += kappa;
            int i = -kappa;
            round_weed(buf, len, delta, p2, one, i < 20 ? wp_w * pow10_u64[i] : 0);
            return len;
        }
    }
}

static int grisu2(double v, char *digits, int *k)
{
    diyfp dv = from_double(v), mi, pl;
    boundaries(dv, &mi, &pl);
    int mk;
    diyfp c = cached_power(pl.e, &mk);
    diyfp w = mul(normalize(dv), c);
    diyfp wp = mul(pl, c), wm = mul(mi, c);
    wm.f++;
    wp.f--;
    *k = mk;
    return digit_gen(w, wp, wp.f - wm.f, digits, k);
}

static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324"
                                  "25262728293031323334353637383940414243444546474849"
                                  "50515253545556575859606162636465666768697071727374"
                                  "75767778798081828384858687888990919293949596979899";

/* Writes "u" in decimal, at least "min_digits" digits (zero-padded), two digits per
 * division. Returns the length. */
static size_t write_u64(uint64_t u, int min_digits, char *out)
{
    char tmp[24];
    int len = 0;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        tmp[len++] = digit_pairs[2 * r + 1];
        tmp[len++] = digit_pairs[2 * r];
    }
    if (u >= 10) {
        tmp[len++] = digit_pairs[2 * u + 1];
        tmp[len++] = digit_pairs[2 * u];
    } else {
        tmp[len++] = (char)('0' + u);
    }
    while (len < min_digits)
        tmp[len++] = '0';
    for (int i = 0; i < len; i++)
        out[i] = tmp[len - 1 - i];
    return (size_t)len;
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
    if (v < 9007199254740992.0 && v == (double)(uint64_t)v)
        return n + write_u64((uint64_t)v, 1, out + n);
    /* Prices and quantities have a few decimals, and so do their products (a notional
     * of qty 1.5 at 101.25) and the margins taken from those. Such a value times 10^D
     * lies within a few ulps of a whole number k; stripping k's trailing zeros gives the
     * fewest decimals d, and if k / 10^d (both exact, so the division rounds correctly)
     * gives back v, that text reads back to v. One multiplication screens out every other
     * value before Grisu. D is 8 below 10^7 and 4 up to 10^11, keeping k below 2^53. */
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    if (v >= 1e-6 && v < 1e11) {
        int dmax = v < 1e7 ? 8 : 4;
        double x = v * p10[dmax];
        uint64_t kk = (uint64_t)(x + 0.5);
        double diff = x - (double)kk;
        if (diff <= x * 1e-15 && -diff <= x * 1e-15) {
            /* k is no multiple of 10^dmax (whole numbers left above), so at most dmax - 1
             * zeros come off, in steps of 4, 2 and 1. */
            int d = dmax;
            if (d > 4 && kk % 10000 == 0) {
                kk /= 10000;
                d -= 4;
            }
            if (d > 2 && kk % 100 == 0) {
                kk /= 100;
                d -= 2;
            }
            if (d > 1 && kk % 10 == 0) {
                kk /= 10;
                d -= 1;
            }
            if ((double)kk / p10[d] == v) {
                /* Write the digits (at least d + 1, for a leading "0."), then open a gap
                 * for the point before the last d of them. */
                size_t len = write_u64(kk, d + 1, out + n);
                memmove(out + n + len - (size_t)d + 1, out + n + len - (size_t)d, (size_t)d);
                out[n + len - (size_t)d] = '.';
                return n + len + 1;
            }
        }
    }
    char digits[24];
    int k;
    int len = grisu2(v, digits, &k);
    return n + layout(digits, len, k, out + n);
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
