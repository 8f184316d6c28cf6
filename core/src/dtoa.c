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
        uint32_t div = pow10_u32[kappa - 1];
        uint32_t d = p1 / div;
        p1 %= div;
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
    if (v < 9007199254740992.0 && v == (double)(uint64_t)v) {
        char tmp[20];
        int len = 0;
        uint64_t u = (uint64_t)v;
        do {
            tmp[len++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        while (len)
            out[n++] = tmp[--len];
        return n;
    }
    /* Prices, quantities and rates mostly have a few decimals. If k / 10^d (both exact,
     * so the division rounds correctly) gives back v, those d decimals read back to v,
     * and trying d upwards finds the fewest; this costs a fraction of Grisu's work. */
    static const double p10[] = {1, 10, 100, 1000, 10000};
    if (v < 1e15) {
        for (int d = 1; d <= 4; d++) {
            double kd = nearbyint(v * p10[d]);
            if (kd >= 9007199254740992.0)
                break;
            if (kd / p10[d] != v)
                continue;
            char tmp[24];
            int len = 0;
            uint64_t u = (uint64_t)kd;
            while (u || len <= d) {
                tmp[len++] = (char)('0' + u % 10);
                u /= 10;
            }
            while (len > d)
                out[n++] = tmp[--len];
            out[n++] = '.';
            while (len)
                out[n++] = tmp[--len];
            return n;
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
