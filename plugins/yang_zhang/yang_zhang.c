/*
 * yang_zhang.c - Yang-Zhang (2000): overnight variance + k * open-to-close variance +
 * (1 - k) * Rogers-Satchell, with k = 0.34 / (1.34 + (n + 1) / (n - 1)). The overnight
 * term needs the close before the window's first day: n + 1 closes in all.
 */
#include "plugin_common.h"

#include "rs_term.h"

#include <math.h>

static double sample_var(const lc_bar *w, size_t n, int overnight)
{
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += overnight ? w[i].overnight : log(w[i].close / w[i].open);
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double x = (overnight ? w[i].overnight : log(w[i].close / w[i].open)) - mean;
        ss += x * x;
    }
    return ss / (double)(n - 1);
}

static double daily_var(const lc_bar *w, size_t n)
{
    double dn = (double)n;
    double k = 0.34 / (1.34 + (dn + 1) / (dn - 1));
    double rs = 0;
    for (size_t i = 0; i < n; i++)
        rs += lc_rs_term(&w[i]);
    rs /= dn;
    return sample_var(w, n, 1) + k * sample_var(w, n, 0) + (1 - k) * rs;
}

LC_PC_WINDOW_PLUGIN("yang_zhang", "1.0.0",
                    "Yang-Zhang estimator: overnight, open-to-close and Rogers-Satchell terms",
                    daily_var, 1)
