/*
 * close_to_close.c - the classic estimator: sample variance (demeaned, n - 1) of the
 * daily log returns of closes over the window.
 */
#include "plugin_common.h"

static double daily_var(const lc_bar *w, size_t n)
{
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += w[i].ret;
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (w[i].ret - mean) * (w[i].ret - mean);
    return ss / (double)(n - 1);
}

LC_PC_WINDOW_PLUGIN("close_to_close", "1.0.0",
                    "sample variance of daily close-to-close log returns over a window",
                    daily_var, 1)
