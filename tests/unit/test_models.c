/*
 * test_models.c - the shipped volatility models against values computed with independent
 * software on Binance BTCUSDT daily closes up to 2024-12-31 (2,693 returns), and the
 * normal quantile against published values.
 *
 * The price file lives in ../shared/data beside the repository; without it the
 * reference tests skip and say so.
 */
#include "helpers.h"

#include "load/history.h"
#include "plugin/plugin.h"
#include "rules/rules.h"

#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

#define BTC LC_TOP_DIR "/../shared/data/Binance_BTCUSDT_d.csv"

static lc__history *hist;

static int setup(void **state)
{
    (void)state;
    if (access(BTC, R_OK) != 0)
        return 0;
    int64_t until;
    lc__parse_date("2024-12-31", 10, &until);
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc__history_load(BTC, until, LC__GAPS_ERROR, LC__GAPS_HINT_POLICY, &hist, &d);
    lc_diags_print(&d, stderr);
    lc_diags_free(&d);
    return rc == LC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    lc__history_free(hist);
    return 0;
}

#define NEED_DATA()                                                                            \
    do {                                                                                       \
        if (!hist) {                                                                           \
            print_message("skipped: %s is absent (../shared is not beside the repository)\n", \
                          BTC);                                                                \
            skip();                                                                            \
        }                                                                                      \
    } while (0)

typedef struct run {
    lc__plugin *pl;
    lc_model *m;
    lc_fit_status st;
} run;

static run fit(const char *name, const lc_param *params, size_t n)
{
    run r;
    char why[256], path[512], err[256] = "";
    snprintf(path, sizeof path, "%s/%s.so", LC_PLUGIN_BUILD_DIR, name);
    assert_int_equal(lc__plugin_open(path, &r.pl, why, sizeof why), LC_OK);
    const lc_plugin_api *api = r.pl->api;
    lc_param defaults[4];
    if (!params) {
        for (size_t i = 0; i < api->n_params; i++)
            defaults[i] = (lc_param){api->params[i].name, api->params[i].default_value};
        params = defaults;
        n = api->n_params;
    }
    r.m = api->create(NULL, params, n, err, sizeof err);
    assert_non_null(r.m);
    r.st = api->fit(r.m, hist->bars, hist->n, err, sizeof err);
    if (r.st != LC_FIT_OK)
        fail_msg("%s: fit failed: %s", name, err);
    return r;
}

static double sigma(run *r, double h)
{
    double s;
    char err[256];
    assert_int_equal(r->pl->api->forecast(r->m, h, &s, err, sizeof err), LC_FIT_OK);
    return s;
}

static double stat(run *r, const char *name)
{
    const lc_stat *s;
    size_t n = r->pl->api->results(r->m, &s);
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].name, name) == 0)
            return s[i].value;
    fail_msg("no stat %s", name);
    return (double)NAN;
}

static void done(run *r)
{
    r->pl->api->destroy(r->m);
    lc__plugin_close(r->pl);
}

static void garch_loglik_at_fixed_parameters(void **state)
{
    (void)state;
    NEED_DATA();
    run r = fit("garch11", NULL, 0);
    double (*ll)(const double *, size_t, double, double, double);
    void *sym = dlsym(r.pl->dl, "lc_garch11_loglik");
    assert_non_null(sym);
    memcpy(&ll, &sym, sizeof ll);
    double rets[4000];
    size_t n = 0;
    for (size_t i = 0; i < hist->n; i++)
        if (!isnan(hist->bars[i].ret))
            rets[n++] = hist->bars[i].ret;
    assert_int_equal(n, 2693);
    double mean_r2 = 0;
    for (size_t i = 0; i < n; i++)
        mean_r2 += rets[i] * rets[i];
    assert_near(mean_r2 / (double)n, 0.00142247485179, 1e-9 * 0.00142247485179);
    assert_near(ll(rets, n, 1e-5, 0.10, 0.85), 4807.15037414, 1e-9 * 4807.15037414);
    assert_near(ll(rets, n, 5e-5, 0.05, 0.90), 5164.75442788, 1e-9 * 5164.75442788);
    assert_near(ll(rets, n, 2e-4, 0.15, 0.70), 5153.90373685, 1e-9 * 5153.90373685);
    done(&r);
}

static void garch_fit(void **state)
{
    (void)state;
    NEED_DATA();
    run r = fit("garch11", NULL, 0);
    assert_near(stat(&r, "loglik"), 5188.51883234, 1e-6);
    assert_near(stat(&r, "omega"), 6.1493529e-05, 1e-5 * 6.1493529e-05);
    assert_near(stat(&r, "alpha"), 0.0973242941, 1e-5 * 0.0973242941);
    assert_near(stat(&r, "beta"), 0.8663646996, 1e-5 * 0.8663646996);
    assert_near(stat(&r, "observations"), 2693, 0);
    assert_near(stat(&r, "converged"), 1, 0);
    /* 52.640 % over one day, 63.897 % averaged over the next 30, annualised by sqrt(365). */
    assert_near(sigma(&r, 1) * sqrt(365.0), 0.52640, 0.000005);
    assert_near(sigma(&r, 30) * sqrt(365.0 / 30), 0.63897, 0.000005);
    /* Part of a day: that fraction of the next day's variance. */
    assert_near(sigma(&r, 1.0 / 24), sigma(&r, 1) * sqrt(1.0 / 24), 1e-15);
    /* The closed-form term structure equals the day-by-day sum of
     * vbar + (a+b)^(j-1) (sigma^2(T+1) - vbar), and a year costs what a day does. */
    double p = stat(&r, "persistence"), vbar = stat(&r, "long_run_variance");
    double d = stat(&r, "variance_daily") - vbar;
    static const double hs[] = {1, 2.5, 30, 365};
    for (size_t k = 0; k < 4; k++) {
        double total = 0, pj = 1, whole = floor(hs[k]);
        for (double j = 1; j <= whole; j++, pj *= p)
            total += vbar + pj * d;
        total += (hs[k] - whole) * (vbar + pj * d);
        assert_near(sigma(&r, hs[k]), sqrt(total), 1e-12 * sqrt(total));
    }
    double s;
    char err[256];
    assert_int_equal(r.pl->api->forecast(r.m, 1e308, &s, err, sizeof err), LC_FIT_OK);
    assert_true(isfinite(s) && s > 0);
    done(&r);
}

static void ewma(void **state)
{
    (void)state;
    NEED_DATA();
    run r = fit("ewma", NULL, 0);
    assert_near(sigma(&r, 1) * sqrt(365.0), 0.440771361453, 1e-9 * 0.440771361453);
    done(&r);
}

static void window_estimators(void **state)
{
    (void)state;
    NEED_DATA();
    static const struct {
        const char *name;
        double annualised;
    } want[] = {{"close_to_close", 0.443837449039}, {"parkinson", 0.575259735981},
                {"garman_klass", 0.620461988846},   {"rogers_satchell", 0.632351524221},
                {"yang_zhang", 0.609290218449}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        run r = fit(want[i].name, NULL, 0);
        double got = sigma(&r, 1) * sqrt(365.0);
        if (fabs(got - want[i].annualised) > 1e-9 * want[i].annualised)
            fail_msg("%s: %.12f, expected %.12f", want[i].name, got, want[i].annualised);
        /* sqrt-of-time over longer horizons */
        assert_near(sigma(&r, 4), 2 * sigma(&r, 1), 1e-15);
        done(&r);
    }
}

static void window_needs_history(void **state)
{
    (void)state;
    char why[256], err[256] = "";
    lc__plugin *pl;
    assert_int_equal(lc__plugin_open(LC_PLUGIN_BUILD_DIR "/yang_zhang.so", &pl, why, sizeof why),
                     LC_OK);
    lc_param p = {"window", 30};
    lc_model *m = pl->api->create(NULL, &p, 1, err, sizeof err);
    lc_bar bars[5] = {{0, 1, 1, 1, 1, (double)NAN, (double)NAN}};
    assert_int_equal(pl->api->fit(m, bars, 5, err, sizeof err), LC_FIT_FAILED);
    assert_string_equal(err, "needs 30 days of history, got 5");
    pl->api->destroy(m);
    lc__plugin_close(pl);
}

static void normal_quantile(void **state)
{
    (void)state;
    /* Published values of the standard normal quantile. */
    assert_near(lc__norm_ppf(0.5), 0, 1e-15);
    assert_near(lc__norm_ppf(0.975), 1.959963984540054, 1e-14);
    assert_near(lc__norm_ppf(0.99), 2.3263478740408408, 1e-14);
    assert_near(lc__norm_ppf(0.999), 3.090232306167814, 1e-13);
    assert_near(lc__norm_ppf(0.01), -2.3263478740408408, 1e-14);
    assert_near(lc__norm_ppf(1e-10), -6.361340902404056, 1e-11);
    assert_true(isnan(lc__norm_ppf(1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(garch_loglik_at_fixed_parameters),
        cmocka_unit_test(garch_fit),
        cmocka_unit_test(ewma),
        cmocka_unit_test(window_estimators),
        cmocka_unit_test(window_needs_history),
        cmocka_unit_test(normal_quantile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
