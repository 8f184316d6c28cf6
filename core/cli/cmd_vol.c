/*
 * cmd_vol.c - `levcal vol` and `levcal plugins`: volatility models on their own.
 */

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char vol_usage[] =
    "usage: levcal vol --policy FILE --market M [--history FILE] [options]\n"
    "       levcal vol --policy FILE --model NAME --history FILE [options]\n"
    "       levcal vol --plugin NAME|PATH --history FILE [--param NAME=VALUE]... [options]\n"
    "options: [--until YYYY-MM-DD] [--horizon 1d] [--gaps error|drop|scale] [--format json|table]\n"
    "\n"
    "Fits a volatility model to a daily OHLC price history and prints the fitted parameters,\n"
    "diagnostics, and sigma of the log return over the horizon, raw and annualised\n"
    "(sigma * sqrt(365 / horizon days)). With --market, everything comes from that market's\n"
    "volatility section, so the sigma is exactly the one 'levcal eval' uses.\n"
    "\n"
    "options:\n"
    "      --market M       a market of the --policy file: its model, history, gaps, horizon\n"
    "                       and confidence (each option given here overrides it)\n"
    "      --model NAME     a model of the --policy file (its plugin and parameters)\n"
    "  -p, --policy FILE    the policy that defines --market or --model\n"
    "      --plugin P       a plugin by name (searched as for policies) or a .so path\n"
    "      --param K=V      set a model parameter (repeatable)\n"
    "      --history FILE   daily OHLC CSV\n"
    "      --until DATE     use bars up to DATE only\n"
    "      --horizon H      forecast horizon: a number with m, h or d, up to 365d (default 1d)\n"
    "      --gaps G         missing days: error (default), drop or scale\n"
    "      --format FMT     json (default) or table\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 fitted and forecast, 1 internal error, 2 bad usage or input,\n"
    "             3 the model failed (the output says why)\n";

enum { V_MARKET, V_MODEL, V_POLICY, V_PLUGIN, V_PARAM, V_HISTORY, V_UNTIL, V_HORIZON, V_GAPS,
       V_FORMAT, V_HELP };

/* Reads the command line into "rq", "*policy" and "*fmt" ("params" has room for every
 * argument). Returns -1 to go on, else the exit status. */
static int vol_args(int argc, char **argv, lc_vol_request *rq, const char **params,
                    const char **policy, lc_format *fmt)
{
    static const cli_opt opts[] = {
        [V_MARKET] = {"market", 0, true},   [V_MODEL] = {"model", 0, true},
        [V_POLICY] = {"policy", 'p', true}, [V_PLUGIN] = {"plugin", 0, true},
        [V_PARAM] = {"param", 0, true},     [V_HISTORY] = {"history", 0, true},
        [V_UNTIL] = {"until", 0, true},     [V_HORIZON] = {"horizon", 0, true},
        [V_GAPS] = {"gaps", 0, true},       [V_FORMAT] = {"format", 0, true},
        [V_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal vol";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    int id;
    rq->params = params;
    while ((id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
            return LC_EXIT_USAGE;
        case CLI_ARG:
            return cli_usage_error(cmd, "unexpected argument '%s'", a.value);
        case V_MARKET:
            rq->market = a.value;
            break;
        case V_MODEL:
            rq->model = a.value;
            break;
        case V_POLICY:
            *policy = a.value;
            break;
        case V_PLUGIN:
            rq->plugin = a.value;
            break;
        case V_PARAM:
            params[rq->n_params++] = a.value;
            break;
        case V_HISTORY:
            rq->history = a.value;
            break;
        case V_UNTIL:
            if (lc_parse_date(a.value, &rq->until_day) != LC_OK) {
                cli_usage_error(cmd, "--until '%s': expected a date YYYY-MM-DD", a.value);
                return LC_EXIT_USAGE;
            }
            rq->has_until = 1;
            break;
        case V_HORIZON:
            if (lc_parse_horizon(a.value, &rq->horizon_days) != LC_OK) {
                cli_usage_error(cmd, "--horizon '%s': expected a number and a unit m, h or d, "
                                     "such as 1h or 30d, up to 365d", a.value);
                return LC_EXIT_USAGE;
            }
            break;
        case V_GAPS:
            rq->gaps = a.value;
            break;
        case V_FORMAT:
            if (cli_format(cmd, a.value, fmt))
                return LC_EXIT_USAGE;
            break;
        case V_HELP:
            fputs(vol_usage, stdout);
            return LC_EXIT_OK;
        }
    }
    const char *wrong = NULL;
    if (rq->market)
        wrong = rq->model || rq->plugin ? "give --market alone, not with --model or --plugin"
                : !*policy              ? "--market needs --policy"
                                        : NULL;
    else if (!rq->history)
        wrong = "--history is required";
    else if (rq->model && rq->plugin)
        wrong = "give --model or --plugin, not both";
    else if (rq->model && !*policy)
        wrong = "--model needs --policy";
    else if (!rq->model && !rq->plugin)
        wrong = "--market, --model or --plugin is required";
    if (wrong)
        return cli_usage_error(cmd, "%s", wrong);
    return -1;
}

int cli_cmd_vol(int argc, char **argv)
{
    const char **params = calloc((size_t)argc + 1, sizeof(*params));
    const char *policy = NULL;
    lc_vol_request rq = LC_VOL_REQUEST_INIT;
    lc_format fmt = LC_FORMAT_JSON;
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *pol = NULL;
    lc_vol_result *res = NULL;
    int code;
    if (!params) {
        fputs("levcal: error: out of memory\n", stderr);
        return LC_EXIT_INTERNAL;
    }
    code = vol_args(argc, argv, &rq, params, &policy, &fmt);
    if (code >= 0)
        goto out;
    lc_status rc = LC_OK;
    if (policy)
        rc = lc_policy_load(policy, &pol, &d);
    rq.policy = pol;
    if (rc == LC_OK)
        rc = lc_vol_estimate(&rq, &res, &d);
    if (rc != LC_OK) {
        code = cli_fail(rc, &d);
        if (cli_has_code(&d, LC_SEV_ERROR, LC_DIAG_GAP))
            fputs(rq.market ? "levcal: note: --gaps drop or --gaps scale overrides the market's "
                              "gaps; --until DATE cuts the history before the gap\n"
                            : "levcal: note: --gaps drop or --gaps scale handles missing days; "
                              "--until DATE cuts the history before the gap\n",
                  stderr);
        goto out;
    }
    lc_diags_print(&d, stderr);
    rc = lc_vol_result_write(res, fmt, stdout);
    if (rc == LC_EIO)
        code = cli_write_failed();
    else if (rc != LC_OK)
        code = cli_fail(rc, &d);
    else
        code = lc_vol_result_converged(res) ? LC_EXIT_OK : LC_EXIT_MODEL;
out:
    free(params);
    lc_vol_result_free(res);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return code;
}

static const char plugins_usage[] =
    "usage: levcal plugins [--format table|json]\n"
    "\n"
    "Lists the volatility-model plugins found in LEVCAL_PLUGIN_PATH and in the shipped\n"
    "plugin directory, with the file each loads from, versions and parameters; warns when\n"
    "a plugin earlier in the path shadows another of the same name.\n"
    "\n"
    "exit status: 0 listed, 1 internal error, 2 bad usage\n";

int cli_cmd_plugins(int argc, char **argv)
{
    static const cli_opt opts[] = {{"format", 0, true}, {"help", 'h', false}};
    const char *cmd = "levcal plugins";
    cli_args a = {cmd, opts, 2, argc, argv, 1, false, NULL, NULL};
    lc_format fmt = LC_FORMAT_TABLE;
    int id;
    while ((id = cli_next(&a)) != CLI_END) {
        if (id == CLI_FAIL)
            return LC_EXIT_USAGE;
        if (id == CLI_ARG)
            return cli_usage_error(cmd, "unexpected argument '%s'", a.value);
        if (id == 0) {
            if (cli_format(cmd, a.value, &fmt))
                return LC_EXIT_USAGE;
        } else {
            fputs(plugins_usage, stdout);
            return LC_EXIT_OK;
        }
    }
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_plugins_write(fmt, stdout, &d);
    int code = rc == LC_OK    ? LC_EXIT_OK
               : rc == LC_EIO ? cli_write_failed()
                              : cli_fail(rc, &d);
    if (rc == LC_OK)
        lc_diags_print(&d, stderr);
    lc_diags_free(&d);
    return code;
}
