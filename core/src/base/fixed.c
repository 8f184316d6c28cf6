/*
 * fixed.c - a double with two decimals, as printf's "%.2f" writes it, without printf.
 *
 * Report sentences carry money to the cent and rates as percentages; formatting them
 * through snprintf cost more than the rest of the sentence. The rounding is that of
 * "%.2f" in the default rounding mode: the exact binary value to the nearest cent,
 * ties to even. v * 100 is rounded once, but fma gives back that rounding's error
 * exactly, and the error decides which way the cent goes.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

size_t lc__fixed2(double v, char *out)
{
    lc_assert(isfinite(v));
    double a = fabs(v);
    /* From 10^15 on, "%.2f" would run to hundreds of digits for no cent anyone reads:
     * the shortest text that reads back says the same in at most 24 bytes. */
    if (a >= 1e15)
        return lc__dtoa(v, out);
    double x = a * 100;
    /* Below 2^52 a whole number and x differ by a multiple of ulp(x) <= 1/2, exactly. */
    if (x >= 4503599627370496.0) {
        int n = snprintf(out, 40, "%.2f", v);
        return n > 0 ? (size_t)n : 0;
    }
    double err = fma(a, 100, -x); /* a * 100 = x + err, exactly */
    uint64_t k = (uint64_t)x;
    double d = x - (double)k; /* exact, in [0, 1) */
    /* The cent rounds up when d + err > 1/2. d is a multiple of ulp(x) and |err| is at
     * most half of one, so only d == 1/2 leaves it to err, and err == 0 is a true tie. */
    if (d > 0.5 || (d == 0.5 && (err > 0 || (err == 0 && (k & 1)))))
        k++;
    size_t n = 0;
    if (signbit(v))
        out[n++] = '-';
    char tmp[24];
    size_t len = 0;
    uint64_t whole = k / 100;
    do {
        tmp[len++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (len)
        out[n++] = tmp[--len];
    unsigned c = (unsigned)(k % 100);
    out[n++] = '.';
    out[n++] = (char)('0' + c / 10);
    out[n++] = (char)('0' + c % 10);
    return n;
}
