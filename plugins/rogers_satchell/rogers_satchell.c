/*
 * rogers_satchell.c - Rogers-Satchell (1991), unbiased under drift:
 * ln(H/C) ln(H/O) + ln(L/C) ln(L/O) per day, averaged over the window.
 */
#include "plugin_common.h"

#include "rs_term.h"

static double daily_var(const lc_bar *w, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += lc_rs_term(&w[i]);
    return s / (double)n;
}

LC_PC_WINDOW_PLUGIN("rogers_satchell", "1.0.0", "Rogers-Satchell drift-free range estimator",
                    daily_var, 0)
