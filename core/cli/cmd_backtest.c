/*
 * cmd_backtest.c - `levcal backtest`: a volatility model's one-day forecasts against the
 * history they forecast.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char backtest_usage[] =
    "usage: levcal backtest (--model NAME | --plugin P | --policy FILE --model NAME)\n"
    "                       [--param k=v]...\n"
    "                       --history FILE [--from DATE] [--to DATE] [--confidence C]\n"
    "                       [--side long|short] [--refit N] [--gaps error|drop|scale]\n"
    "                       [--format table|json] [--html FILE]\n"
    "       levcal backtest --policy FILE [--history MARKET=FILE]... [--from DATE] [--to DATE]\n"
    "                       [--refit N] [--gaps RULE] [--format table|json] [--html FILE]\n"
    "\n"
    "With --policy and no --model, the policy's limits are tried on history per market, tier\n"
    "and side: each day a position at the tier's floor, at the day's max leverage, isolated\n"
    "with its initial margin, against the next day's extreme: liquidations, bad debt (past\n"
    "the bankruptcy price), their rates and the worst loss.\n"
    "\n"
    "Tests a model's one-day forecasts on history (a VaR backtest): each day t from --from\n"
    "to --to, the model knows the history up to t-1 only, and t is an exceedance when its\n"
    "log return is beyond z sigma on the side's losing side (z the normal quantile of the\n"
    "confidence). Models that can update move on daily and are refitted every --refit days;\n"
    "the others are refitted daily. Prints the exceedances against the expected number,\n"
    "Kupiec's POF, Christoffersen's independence and the conditional coverage, each with\n"
    "its p-value, and a verdict at 5% (docs/backtest.md).\n"
    "\n"
    "options:\n"
    "      --plugin P         a plugin by name or path\n"
    "      --model NAME       a plugin (ewma, garch11, ...); with --policy, the policy's model\n"
    "      --policy FILE      with --model: a model of this policy, with its parameters\n"
    "      --param k=v        a model parameter (repeatable)\n"
    "      --history FILE     daily OHLC CSV (with --policy: MARKET=FILE, repeatable)\n"
    "      --from DATE        the first day tested (default: the second day of the file)\n"
    "      --to DATE          the last day tested; later rows are not read\n"
    "      --confidence C     default 0.99\n"
    "      --side SIDE        long (default: losses are falls) or short\n"
    "      --refit N          days between refits of a model that updates (default 20)\n"
    "      --gaps RULE        missing days: error (default), drop or scale\n"
    "      --format FMT       table (default) or json\n"
    "      --html FILE        also write a page with the forecast band and the returns\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 tested (whatever the verdict), 2 bad usage or input, 3 the model failed\n";

enum { B_PLUGIN, B_POLICY, B_MODEL, B_PARAM, B_HISTORY, B_FROM, B_TO, B_CONF, B_SIDE, B_REFIT,
       B_GAPS, B_FORMAT, B_HTML, B_HELP };

int cli_cmd_backtest(int argc, char **argv)
{
    static const cli_opt opts[] = {
        [B_PLUGIN] = {"plugin", 0, true},   [B_POLICY] = {"policy", 'p', true},
        [B_MODEL] = {"model", 0, true},     [B_PARAM] = {"param", 0, true},
        [B_HISTORY] = {"history", 0, true}, [B_FROM] = {"from", 0, true},
        [B_TO] = {"to", 0, true},           [B_CONF] = {"confidence", 0, true},
        [B_SIDE] = {"side", 0, true},       [B_REFIT] = {"refit", 0, true},
        [B_GAPS] = {"gaps", 0, true},       [B_FORMAT] = {"format", 0, true},
        [B_HTML] = {"html", 0, true},       [B_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal backtest";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **params = calloc((size_t)argc + 1, sizeof(*params));
    const char **hist = calloc((size_t)argc + 1, sizeof(*hist));
    size_t n_hist = 0;
    lc_backtest_request rq = LC_BACKTEST_REQUEST_INIT;
    const char *policy = NULL, *html_path = NULL;
    lc_format fmt = LC_FORMAT_TABLE;
    int id, code = -1;
    if (!params || !hist) {
        fputs("levcal: error: out of memory\n", stderr);
        free(params);
        free(hist);
        return LC_EXIT_INTERNAL;
    }
    rq.vol.params = params;
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        char *end = NULL;
        switch (id) {
        case CLI_FAIL:
            code = LC_EXIT_USAGE;
            break;
        case B_HELP:
            fputs(backtest_usage, stdout);
            code = LC_EXIT_OK;
            break;
        case CLI_ARG:
            code = cli_usage_error(cmd, "unexpected argument '%s'", a.value);
            break;
        case B_PLUGIN:
            rq.vol.plugin = a.value;
            break;
        case B_POLICY:
            policy = a.value;
            break;
        case B_MODEL:
            rq.vol.model = a.value;
            break;
        case B_PARAM:
            params[rq.vol.n_params++] = a.value;
            break;
        case B_HISTORY:
            rq.vol.history = a.value;
            hist[n_hist++] = a.value;
            break;
        case B_FROM:
            if (lc_parse_date(a.value, &rq.from_day) != LC_OK)
                code = cli_usage_error(cmd, "expected --from as YYYY-MM-DD, got '%s'", a.value);
            rq.has_from = 1;
            break;
        case B_TO:
            if (lc_parse_date(a.value, &rq.vol.until_day) != LC_OK)
                code = cli_usage_error(cmd, "expected --to as YYYY-MM-DD, got '%s'", a.value);
            rq.vol.has_until = 1;
            break;
        case B_CONF:
            rq.confidence = strtod(a.value, &end);
            if (!end || *end || !(rq.confidence > 0.5 && rq.confidence < 1))
                code = cli_usage_error(cmd, "expected --confidence in (0.5, 1), got '%s'", a.value);
            break;
        case B_SIDE:
            if (strcmp(a.value, "long") == 0 || strcmp(a.value, "short") == 0)
                rq.short_side = strcmp(a.value, "short") == 0;
            else
                code = cli_usage_error(cmd, "expected --side long or short, got '%s'", a.value);
            break;
        case B_REFIT: {
            long n = strtol(a.value, &end, 10);
            if (!end || *end || n < 1 || n > 100000)
                code = cli_usage_error(cmd, "expected --refit as a number of days >= 1, got '%s'",
                                       a.value);
            rq.refit = (int)n;
            break;
        }
        case B_GAPS:
            rq.vol.gaps = a.value;
            break;
        case B_FORMAT:
            if (cli_format(cmd, a.value, &fmt))
                code = LC_EXIT_USAGE;
            break;
        case B_HTML:
            html_path = a.value;
            break;
        }
    }
    /* --model without --policy names a plugin, as for levcal calibrate. */
    if (rq.vol.model && !policy) {
        rq.vol.plugin = rq.vol.model;
        rq.vol.model = NULL;
    }
    if (code < 0 && policy && !rq.vol.model && !rq.vol.plugin) {
        /* The policy's limits on history. */
        lc_diags d;
        lc_diags_init(&d);
        lc_policy *pol = NULL;
        lc_policy_backtest_request pr = LC_POLICY_BACKTEST_REQUEST_INIT;
        pr.histories = hist;
        pr.n_histories = n_hist;
        pr.has_from = rq.has_from;
        pr.from_day = rq.from_day;
        pr.has_to = rq.vol.has_until;
        pr.to_day = rq.vol.until_day;
        pr.gaps = rq.vol.gaps;
        pr.refit = rq.refit;
        char *text = NULL;
        size_t len = 0;
        lc_status rc = lc_policy_load(policy, &pol, &d);
        FILE *mem = rc == LC_OK ? open_memstream(&text, &len) : NULL;
        if (rc == LC_OK && !mem)
            rc = LC_ENOMEM;
        FILE *page = NULL;
        if (rc == LC_OK && html_path && !(page = fopen(html_path, "w"))) {
            fprintf(stderr, "%s: error: cannot write the page\n", html_path);
            rc = LC_EIO;
        }
        if (rc == LC_OK)
            rc = lc_policy_backtest_write(pol, &pr, fmt, mem, page, &d);
        if (page && fclose(page) != 0 && rc == LC_OK)
            rc = LC_EIO;
        if (mem && fclose(mem) != 0 && rc == LC_OK)
            rc = LC_ENOMEM;
        code = cli_finish(rc, &d, text, len);
        free(text);
        lc_policy_free(pol);
        lc_diags_free(&d);
    }
    if (code < 0 && !rq.vol.history)
        code = cli_usage_error(cmd, "expected --history FILE");
    if (code < 0 && !rq.vol.plugin == !rq.vol.model)
        code = cli_usage_error(cmd, "expected --plugin P, or --policy FILE with --model NAME");

    if (code < 0) {
        lc_diags d;
        lc_diags_init(&d);
        lc_policy *pol = NULL;
        lc_backtest *b = NULL;
        lc_status rc = LC_OK;
        if (policy && (rc = lc_policy_load(policy, &pol, &d)) == LC_OK)
            rq.vol.policy = pol;
        if (rc == LC_OK)
            rc = lc_backtest_run(&rq, &b, &d);
        if (rc == LC_OK && html_path) {
            FILE *f = fopen(html_path, "w");
            if (!f || lc_backtest_html(b, f) != LC_OK) {
                fprintf(stderr, "%s: error: cannot write the page\n", html_path);
                rc = LC_EIO;
            }
            if (f && fclose(f) != 0)
                rc = LC_EIO;
        }
        if (rc == LC_OK)
            rc = lc_backtest_write(b, fmt, stdout);
        if (rc == LC_EINPUT && cli_has_code(&d, LC_SEV_ERROR, LC_DIAG_MODEL)) {
            lc_diags_print(&d, stderr);
            code = LC_EXIT_MODEL;
        } else {
            code = cli_finish(rc, &d, NULL, 0);
        }
        lc_backtest_free(b);
        lc_policy_free(pol);
        lc_diags_free(&d);
    }
    free(params);
    free(hist);
    return code;
}
