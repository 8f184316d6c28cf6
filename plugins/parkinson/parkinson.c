/*
 * parkinson.c - Parkinson (1980): the high-low range, ln^2(H/L) / (4 ln 2) per day,
 * averaged over the window.
 */
#include "plugin_common.h"

#include <math.h>

static double daily_var(const lc_bar *w, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double hl = log(w[i].high / w[i].low);
        s += hl * hl;
    }
    return s / (4.0 * (double)n * log(2.0));
}

LC_PC_WINDOW_PLUGIN("parkinson", "1.0.0", "Parkinson high-low range estimator over a window",
                    daily_var, 0)
