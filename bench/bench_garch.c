/*
 * bench_garch.c - GARCH(1,1) maximum-likelihood fits per second on the 2,693 daily
 * returns of BTCUSDT up to 2024-12-31, through the plugin ABI exactly as levcal calls it.
 *
 * Usage: bench_garch PLUGIN_SO PRICE_CSV. Target: at most 1 ms per fit on one core.
 */
#define _POSIX_C_SOURCE 200809L

#include "load/history.h"
#include "levcal/plugin.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_garch PLUGIN_SO PRICE_CSV\n");
        return 2;
    }
    if (access(argv[2], R_OK) != 0) {
        printf("garch11 fit: skipped, %s is absent\n", argv[2]);
        return 0;
    }
    void *dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    void *sym = dl ? dlsym(dl, LC_PLUGIN_ENTRY) : NULL;
    if (!sym) {
        fprintf(stderr, "bench_garch: %s\n", dlerror());
        return 1;
    }
    lc_plugin_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry);
    const lc_plugin_api *api = entry();

    int64_t until;
    lc__parse_date("2024-12-31", 10, &until);
    lc_diags d;
    lc_diags_init(&d);
    lc__history *h;
    if (lc__history_load(argv[2], until, LC__GAPS_ERROR, LC__GAPS_HINT_POLICY, &h, &d) != LC_OK) {
        lc_diags_print(&d, stderr);
        return 1;
    }
    char err[256];
    lc_param p = {"max_iterations", 200};
    lc_model *m = api->create(NULL, &p, 1, err, sizeof err);
    int fits = 0;
    double start = now(), elapsed;
    do {
        if (api->fit(m, h->bars, h->n, err, sizeof err) != LC_FIT_OK) {
            fprintf(stderr, "bench_garch: fit failed: %s\n", err);
            return 1;
        }
        fits++;
        elapsed = now() - start;
    } while (elapsed < 2.0);
    const lc_stat *st;
    size_t ns = api->results(m, &st);
    double ll = 0, iters = 0;
    for (size_t i = 0; i < ns; i++) {
        if (strcmp(st[i].name, "loglik") == 0)
            ll = st[i].value;
        if (strcmp(st[i].name, "iterations") == 0)
            iters = st[i].value;
    }
    printf("garch11 fit: %.0f fits/s, %.3f ms per fit (%zu bars, %.0f BFGS iterations, "
           "loglik %.8f; target <= 1 ms)\n",
           fits / elapsed, elapsed / fits * 1e3, h->n, iters, ll);
    api->destroy(m);
    lc__history_free(h);
    lc_diags_free(&d);
    dlclose(dl);
    return 0;
}
