/*
 * garman_klass.c - Garman-Klass (1980) in its practical form:
 * 1/2 ln^2(H/L) - (2 ln 2 - 1) ln^2(C/O) per day, averaged over the window.
 */
#include "plugin_common.h"

#include <math.h>

static double daily_var(const lc_bar *w, size_t n)
{
    const double k = 2.0 * log(2.0) - 1.0;
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double hl = log(w[i].high / w[i].low), co = log(w[i].close / w[i].open);
        s += 0.5 * hl * hl - k * co * co;
    }
    return s / (double)n;
}

LC_PC_WINDOW_PLUGIN("garman_klass", "1.0.0",
                    "Garman-Klass open-high-low-close estimator over a window", daily_var, 0)
