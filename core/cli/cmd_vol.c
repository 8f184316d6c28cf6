/*
 * cmd_vol.c - `levcal vol` and `levcal plugins`: volatility models on their own.
 */
#include "../src/lc_prefix.h"

#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char vol_usage[] =
    "usage: levcal vol (--model NAME --policy FILE | --plugin NAME|PATH) --history FILE\n"
    "                  [--param NAME=VALUE]... [--until YYYY-MM-DD] [--horizon 1d]\n"
    "                  [--gaps error|drop|scale] [--format json|table]\n"
    "\n"
    "Fits a volatility model to a daily OHLC price history and prints the fitted parameters,\n"
    "diagnostics, and sigma of the log return over the horizon, raw and annualised (x sqrt(365)).\n"
    "\n"
    "options:\n"
    "      --model NAME     a model of the --policy file (its plugin and parameters)\n"
    "      --policy FILE    the policy that defines --model\n"
    "      --plugin P       a plugin by name (searched as for policies) or a .so path\n"
    "      --param K=V      set a model parameter (repeatable)\n"
    "      --history FILE   daily OHLC CSV\n"
    "      --until DATE     use bars up to DATE only\n"
    "      --horizon H      forecast horizon: a number with m, h or d (default 1d)\n"
    "      --gaps G         missing days: error (default), drop or scale\n"
    "      --format FMT     json (default) or table\n"
    "\n"
    "exit status: 0 fitted and forecast, 1 internal error, 2 bad usage or input,\n"
    "             3 the model failed (the output says why)\n";

int lc_cmd_vol(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, NULL, 'm'},   {"policy", required_argument, NULL, 'p'},
        {"plugin", required_argument, NULL, 'P'},  {"param", required_argument, NULL, 'k'},
        {"history", required_argument, NULL, 'H'}, {"until", required_argument, NULL, 'U'},
        {"horizon", required_argument, NULL, 'z'}, {"gaps", required_argument, NULL, 'g'},
        {"format", required_argument, NULL, 'F'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *params[64], *policy = NULL;
    lc_vol_request rq = {0};
    rq.params = params;
    rq.horizon_days = 1;
    lc_format fmt = LC_FORMAT_JSON;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            rq.model = optarg;
            break;
        case 'p':
            policy = optarg;
            break;
        case 'P':
            rq.plugin = optarg;
            break;
        case 'k':
            if (rq.n_params == sizeof params / sizeof params[0]) {
                fputs("levcal vol: too many --param options\n", stderr);
                return LC_EXIT_USAGE;
            }
            params[rq.n_params++] = optarg;
            break;
        case 'H':
            rq.history = optarg;
            break;
        case 'U':
            if (lc_parse_date(optarg, &rq.until_day) != LC_OK) {
                fprintf(stderr, "levcal vol: --until '%s': expected a date YYYY-MM-DD\n", optarg);
                return LC_EXIT_USAGE;
            }
            rq.has_until = 1;
            break;
        case 'z':
            if (lc_parse_horizon(optarg, &rq.horizon_days) != LC_OK) {
                fprintf(stderr, "levcal vol: --horizon '%s': expected a number and a unit m, h "
                                "or d, such as 1h or 30d, up to 365d\n",
                        optarg);
                return LC_EXIT_USAGE;
            }
            break;
        case 'g':
            rq.gaps = optarg;
            break;
        case 'F':
            if (lc_cli_format("levcal vol", optarg, &fmt))
                return LC_EXIT_USAGE;
            break;
        case 'h':
            fputs(vol_usage, stdout);
            return LC_EXIT_OK;
        case ':':
            fprintf(stderr, "levcal vol: option '%s' needs a value\n", argv[optind - 1]);
            return LC_EXIT_USAGE;
        default:
            fprintf(stderr, "levcal vol: unknown option '%s'\n%s", argv[optind - 1], vol_usage);
            return LC_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "levcal vol: unexpected argument '%s'\n%s", argv[optind], vol_usage);
        return LC_EXIT_USAGE;
    }
    if (!rq.history || (!rq.model && !rq.plugin) || (rq.model && rq.plugin) ||
        (rq.model && !policy)) {
        fprintf(stderr, "levcal vol: %s\n%s",
                !rq.history                 ? "--history is required"
                : rq.model && rq.plugin     ? "give --model or --plugin, not both"
                : rq.model                  ? "--model needs --policy"
                                            : "--model or --plugin is required",
                vol_usage);
        return LC_EXIT_USAGE;
    }

    lc_diags d;
    lc_diags_init(&d);
    lc_policy *pol = NULL;
    lc_vol_result *res = NULL;
    int code;
    lc_status rc = LC_OK;
    if (policy)
        rc = lc_policy_load(policy, &pol, &d);
    rq.policy = pol;
    if (rc == LC_OK)
        rc = lc_vol_estimate(&rq, &res, &d);
    if (rc != LC_OK) {
        code = lc_cli_fail(rc, &d);
        goto out;
    }
    lc_diags_print(&d, stderr);
    rc = lc_vol_result_write(res, fmt, stdout);
    if (rc == LC_EIO)
        code = lc_cli_write_failed();
    else if (rc != LC_OK)
        code = lc_cli_fail(rc, &d);
    else
        code = lc_vol_result_converged(res) ? LC_EXIT_OK : LC_EXIT_MODEL;
out:
    lc_vol_result_free(res);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return code;
}

static const char plugins_usage[] =
    "usage: levcal plugins [--format json|table]\n"
    "\n"
    "Lists the volatility-model plugins found in LEVCAL_PLUGIN_PATH and in\n"
    "../lib/levcal/plugins beside this executable, with versions and parameters.\n";

int lc_cmd_plugins(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'F'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    lc_format fmt = LC_FORMAT_TABLE;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'F':
            if (lc_cli_format("levcal plugins", optarg, &fmt))
                return LC_EXIT_USAGE;
            break;
        case 'h':
            fputs(plugins_usage, stdout);
            return LC_EXIT_OK;
        default:
            fprintf(stderr, "levcal plugins: unknown option '%s'\n%s", argv[optind - 1],
                    plugins_usage);
            return LC_EXIT_USAGE;
        }
    }
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_plugins_write(fmt, stdout, &d);
    int code = rc == LC_OK    ? LC_EXIT_OK
               : rc == LC_EIO ? lc_cli_write_failed()
                              : lc_cli_fail(rc, &d);
    if (rc == LC_OK)
        lc_diags_print(&d, stderr);
    lc_diags_free(&d);
    return code;
}
