/*
 * garch11.c - GARCH(1,1) with zero mean, fitted by Gaussian maximum likelihood.
 *
 *   sigma^2_1 = mean of the squared returns of the fit sample
 *   sigma^2_t = omega + alpha r^2_{t-1} + beta sigma^2_{t-1}
 *   loglik    = -1/2 sum_{t=1..T} [ln 2pi + ln sigma^2_t + r^2_t / sigma^2_t]
 *
 * The constraints omega > 0, alpha, beta >= 0, alpha + beta < 1 hold by construction:
 * the optimiser works on (ln omega, logit(alpha + beta), logit(alpha / (alpha + beta))).
 * It is BFGS with an Armijo line search and the analytic gradient, which the variance
 * recursion gives alongside the likelihood in one pass. The sum of ln sigma^2 is taken as
 * the logarithm of a running product renormalised by frexp, so one pass costs no log per
 * observation.
 */
#include "plugin_common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LN_2PI 1.8378770664093453
#define LN_2 0.69314718055994531
#define N_STATS 10

struct lc_model {
    int max_iter;
    /* last fit */
    double omega, alpha, beta, loglik, var_next;
    size_t n_obs;
    int iterations;
    int converged;
    int fitted;               /* parameters are usable for a forecast */
    lc_stat stats[N_STATS];
    double *r2;               /* squared returns of the fit sample */
    size_t cap;
};

static const lc_param_spec params[] = {
    {"max_iterations", LC_PARAM_INTEGER, 200, 10, 100000, "BFGS iteration limit"}};

static lc_model *create(const lc_host_api *host, const lc_param *p, size_t n, char *err,
                        size_t errlen)
{
    (void)host;
    lc_model *m = calloc(1, sizeof(*m));
    if (!m) {
        lc_pc_err(err, errlen, "out of memory");
        return NULL;
    }
    m->max_iter = (int)lc_pc_param(p, n, "max_iterations", 200);
    return m;
}

typedef struct theta {
    double x[3];
} theta;

static double logistic(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static void unpack(const theta *t, double *w, double *a, double *b)
{
    double s = logistic(t->x[1]), u = logistic(t->x[2]);
    *w = exp(t->x[0]);
    *a = s * u;
    *b = s * (1 - u);
}

/* Minus the log-likelihood divided by n, and its gradient in theta. Returns NaN where
 * the variance recursion leaves the positive finite range. Also returns the last
 * filtered variance and the one-day-ahead variance. */
static double objective(const double *r2, size_t n, double s0, const theta *t, double g[3],
                        double *var_next)
{
    double w, a, b;
    unpack(t, &w, &a, &b);
    double s2 = s0, dw = 0, da = 0, db = 0;
    double gw = 0, ga = 0, gb = 0, sum_q = 0, prod = 1;
    long e2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            dw = 1 + b * dw;
            da = r2[i - 1] + b * da;
            db = s2 + b * db;
            s2 = w + a * r2[i - 1] + b * s2;
        }
        double inv = 1 / s2, q = r2[i] * inv;
        double c = 0.5 * inv * (1 - q); /* d(-l_t)/d sigma^2_t */
        sum_q += q;
        gw += c * dw;
        ga += c * da;
        gb += c * db;
        prod *= s2;
        if ((i & 7) == 7) {
            int ex;
            prod = frexp(prod, &ex);
            e2 += ex;
        }
    }
    if (!(prod > 0) || !isfinite(prod) || !isfinite(sum_q))
        return (double)NAN;
    int ex;
    prod = frexp(prod, &ex);
    e2 += ex;
    double dn = (double)n;
    double f = 0.5 * (dn * LN_2PI + log(prod) + (double)e2 * LN_2 + sum_q) / dn;

    /* Chain rule to theta. */
    double s = logistic(t->x[1]), u = logistic(t->x[2]);
    double ds = s * (1 - s), du = u * (1 - u);
    g[0] = gw * w / dn;
    g[1] = (ga * u + gb * (1 - u)) * ds / dn;
    g[2] = (ga - gb) * s * du / dn;
    if (var_next)
        *var_next = w + a * r2[n - 1] + b * s2;
    return f;
}

static double dot3(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Minimises the objective from "t" by BFGS; returns the iteration count, sets *conv. */
static int bfgs(const double *r2, size_t n, double s0, theta *t, int max_iter, int *conv)
{
    double H[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    double g[3], gn[3];
    double f = objective(r2, n, s0, t, g, NULL);
    *conv = 0;
    if (isnan(f))
        return 0;
    int it;
    for (it = 1; it <= max_iter; it++) {
        double p[3];
        for (int i = 0; i < 3; i++)
            p[i] = -(H[i][0] * g[0] + H[i][1] * g[1] + H[i][2] * g[2]);
        double slope = dot3(g, p);
        if (!(slope < 0)) { /* not a descent direction: restart from steepest descent */
            memset(H, 0, sizeof H);
            for (int i = 0; i < 3; i++) {
                H[i][i] = 1;
                p[i] = -g[i];
            }
            slope = dot3(g, p);
        }
        double step = 1, fn = (double)NAN;
        theta tn;
        for (;;) {
            for (int i = 0; i < 3; i++)
                tn.x[i] = t->x[i] + step * p[i];
            fn = objective(r2, n, s0, &tn, gn, NULL);
            if (!isnan(fn) && fn <= f + 1e-4 * step * slope)
                break;
            step *= 0.5;
            if (step < 1e-14)
                return it; /* no progress possible: caller judges the gradient */
        }
        double s[3], y[3];
        for (int i = 0; i < 3; i++) {
            s[i] = tn.x[i] - t->x[i];
            y[i] = gn[i] - g[i];
        }
        double df = f - fn;
        *t = tn;
        f = fn;
        memcpy(g, gn, sizeof g);
        double gmax = fmax(fabs(g[0]), fmax(fabs(g[1]), fabs(g[2])));
        if (gmax < 1e-9 || (df <= 1e-16 * (1 + fabs(f)) && gmax < 1e-6)) {
            *conv = 1;
            return it;
        }
        double sy = dot3(s, y);
        if (sy <= 1e-20)
            continue;
        if (it == 1) { /* scale the first guess of the inverse Hessian */
            double k = sy / dot3(y, y);
            for (int i = 0; i < 3; i++)
                H[i][i] = k;
        }
        /* H <- (I - rho s y') H (I - rho y s') + rho s s' */
        double rho = 1 / sy, Hy[3], yHy;
        for (int i = 0; i < 3; i++)
            Hy[i] = H[i][0] * y[0] + H[i][1] * y[1] + H[i][2] * y[2];
        yHy = dot3(y, Hy);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                H[i][j] += rho * ((1 + rho * yHy) * s[i] * s[j] - Hy[i] * s[j] - s[i] * Hy[j]);
    }
    return it - 1;
}

static lc_fit_status fit(lc_model *m, const lc_bar *bars, size_t n, char *err, size_t errlen)
{
    m->fitted = 0;
    m->converged = 0;
    if (m->cap < n) {
        double *r2 = realloc(m->r2, n * sizeof(*r2));
        if (!r2) {
            lc_pc_err(err, errlen, "out of memory");
            return LC_FIT_FAILED;
        }
        m->r2 = r2;
        m->cap = n;
    }
    size_t k = 0;
    double s0 = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(bars[i].ret))
            continue;
        m->r2[k] = bars[i].ret * bars[i].ret;
        s0 += m->r2[k++];
    }
    m->n_obs = k;
    if (k < 30) {
        lc_pc_err(err, errlen, "needs at least 30 daily returns, got %zu", k);
        return LC_FIT_FAILED;
    }
    s0 /= (double)k;
    if (!(s0 > 0)) {
        lc_pc_err(err, errlen, "every return is zero: no variance to model");
        return LC_FIT_FAILED;
    }

    /* Start from RiskMetrics-like persistence 0.95 with alpha 0.05, and omega matching
     * the sample variance. */
    theta t = {{log(s0 * 0.05), log(0.95 / 0.05), log(0.05 / 0.90)}};
    m->iterations = bfgs(m->r2, k, s0, &t, m->max_iter, &m->converged);
    double g[3];
    double f = objective(m->r2, k, s0, &t, g, &m->var_next);
    unpack(&t, &m->omega, &m->alpha, &m->beta);
    m->loglik = -f * (double)k;
    if (isnan(f)) {
        lc_pc_err(err, errlen, "likelihood is not finite at the optimum");
        return LC_FIT_FAILED;
    }
    if (!m->converged) {
        lc_pc_err(err, errlen, "maximum likelihood did not converge in %d iterations",
                  m->iterations);
        return LC_FIT_FAILED;
    }
    if (m->alpha + m->beta >= 0.999) {
        lc_pc_err(err, errlen, "alpha + beta = %.6f is at or above 0.999 (near-integrated)",
                  m->alpha + m->beta);
        m->converged = 0;
        return LC_FIT_FAILED;
    }
    if (m->alpha < 1e-6 || m->beta < 1e-6) {
        lc_pc_err(err, errlen, "%s ended at its lower bound 0", m->alpha < 1e-6 ? "alpha" : "beta");
        m->converged = 0;
        return LC_FIT_FAILED;
    }
    m->fitted = 1;
    return LC_FIT_OK;
}

static lc_fit_status forecast(lc_model *m, double h, double *sigma, char *err, size_t errlen)
{
    if (!m->fitted) {
        lc_pc_err(err, errlen, "no successful fit to forecast from");
        return LC_FIT_FAILED;
    }
    /* sigma^2(T+j|T) = vbar + p^(j-1) d with p = a+b < 1 and d = sigma^2(T+1|T) - vbar,
     * summed over the horizon's W whole days in closed form, W vbar + d (1 - p^W)/(1 - p),
     * so any horizon costs the same; a part day adds that fraction of day W+1's variance. */
    if (!(h > 0) || !isfinite(h)) {
        lc_pc_err(err, errlen, "horizon must be a positive finite number of days");
        return LC_FIT_FAILED;
    }
    double p = m->alpha + m->beta, vbar = m->omega / (1 - p), d = m->var_next - vbar;
    double whole = floor(h), pw = pow(p, whole);
    double total = whole * vbar + d * (1 - pw) / (1 - p) + (h - whole) * (vbar + pw * d);
    *sigma = sqrt(total);
    return LC_FIT_OK;
}

static size_t results(lc_model *m, const lc_stat **stats)
{
    lc_stat *s = m->stats;
    s[0] = (lc_stat){"omega", m->omega};
    s[1] = (lc_stat){"alpha", m->alpha};
    s[2] = (lc_stat){"beta", m->beta};
    s[3] = (lc_stat){"persistence", m->alpha + m->beta};
    s[4] = (lc_stat){"long_run_variance", m->omega / (1 - m->alpha - m->beta)};
    s[5] = (lc_stat){"variance_daily", m->var_next};
    s[6] = (lc_stat){"loglik", m->loglik};
    s[7] = (lc_stat){"observations", (double)m->n_obs};
    s[8] = (lc_stat){"iterations", m->iterations};
    s[9] = (lc_stat){"converged", m->converged};
    *stats = s;
    return N_STATS;
}

static void destroy(lc_model *m)
{
    if (m)
        free(m->r2);
    free(m);
}

/* The variance recursion moved on by one return with the parameters held:
 * sigma^2(T+2|T+1) = omega + alpha r(T+1)^2 + beta sigma^2(T+1|T). */
static lc_fit_status update(lc_model *m, const lc_bar *bar, char *err, size_t errlen)
{
    if (!m->fitted) {
        lc_pc_err(err, errlen, "no successful fit to update");
        return LC_FIT_FAILED;
    }
    double r = bar->ret;
    if (!isnan(r))
        m->var_next = m->omega + m->alpha * r * r + m->beta * m->var_next;
    return LC_FIT_OK;
}

static const lc_plugin_api api = {LC_PLUGIN_MAGIC,
                                  LC_PLUGIN_ABI_MAJOR,
                                  LC_PLUGIN_ABI_MINOR,
                                  sizeof(lc_plugin_api),
                                  "garch11",
                                  "1.0.0",
                                  "GARCH(1,1), zero mean, Gaussian maximum likelihood",
                                  params,
                                  1,
                                  create,
                                  fit,
                                  forecast,
                                  results,
                                  destroy,
                                  update};

LC_PC_ENTRY(api)

/* For the unit tests and the benchmark: the objective at fixed parameters. */
LC_PLUGIN_EXPORT double lc_garch11_loglik(const double *r, size_t n, double omega, double alpha,
                                          double beta);
LC_PLUGIN_EXPORT double lc_garch11_loglik(const double *r, size_t n, double omega, double alpha,
                                          double beta)
{
    double *r2 = malloc(n * sizeof(*r2)), s0 = 0;
    if (!r2 || n == 0) {
        free(r2);
        return (double)NAN;
    }
    for (size_t i = 0; i < n; i++) {
        r2[i] = r[i] * r[i];
        s0 += r2[i];
    }
    s0 /= (double)n;
    double s = alpha + beta;
    theta t = {{log(omega), log(s / (1 - s)), log(alpha / beta)}};
    double g[3];
    double f = objective(r2, n, s0, &t, g, NULL);
    free(r2);
    return -f * (double)n;
}
