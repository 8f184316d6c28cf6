/*
 * normal.c - the standard normal quantile function.
 *
 * A rational approximation (Abramowitz and Stegun 26.2.23, error below 4.5e-4) gives a
 * start that three Halley steps on erfc refine to full double precision; erfc of the
 * smaller tail keeps the residual free of cancellation.
 */
#include "base/prefix.h"

#include "rules/rules.h"

#include <math.h>

double lc__norm_ppf(double p)
{
    if (!(p > 0 && p < 1))
        return (double)NAN;
    double q = p < 0.5 ? p : 1 - p; /* the smaller tail */
    double t = sqrt(-2 * log(q));
    double x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                       (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    /* x > 0 now solves upper-tail(x) = q; refine it on that tail. */
    for (int i = 0; i < 3; i++) {
        double e = 0.5 * erfc(x / sqrt(2.0)) - q;          /* upper tail minus target */
        double u = -e * sqrt(2 * 3.14159265358979323846) * exp(x * x / 2); /* -e / phi(x) */
        x = x - u / (1 + x * u / 2);
    }
    return p < 0.5 ? -x : x;
}
