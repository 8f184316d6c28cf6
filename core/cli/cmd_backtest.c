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
        if (rc != LC_OK) {
            code = cli_fail(rc, &d);
        } else {
            lc_diags_print(&d, stderr);
            fwrite(text, 1, len, stdout);
            code = fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
        }
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
        } else if (rc != LC_OK) {
            code = cli_fail(rc, &d);
        } else {
            lc_diags_print(&d, stderr);
            code = fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
        }
        lc_backtest_free(b);
        lc_policy_free(pol);
        lc_diags_free(&d);
    }
    free(params);
    free(hist);
    return code;
}

/* ==== levcal calibrate ================================================== */

static const char calibrate_usage[] =
    "usage: levcal calibrate --history FILE (--model NAME | --plugin P) [--param k=v]...\n"
    "                        --caps C1,C2,... [--adv N] [--mm-confidence C] [--mm-horizon H]\n"
    "                        [--im-confidence C] [--im-horizon H] [--impact-k K] [--until DATE]\n"
    "                        [--market NAME] [--lot-size L] [--owner NAME] [--gaps RULE]\n"
    "       levcal calibrate --policy FILE [--history MARKET=FILE]... [options as above]\n"
    "\n"
    "Writes a policy for one market whose tiers come from a volatility forecast and the\n"
    "market's liquidity (docs/calibrate.md). Per tier with upper cap c:\n"
    "  mmr = z(mm-confidence) sigma(mm-horizon) + impact-k sigma_1d sqrt(c / ADV),\n"
    "        rounded up to 0.0001\n"
    "  max_leverage = floor(1 / (mmr + z(im-confidence) sigma(im-horizon))), at least 1\n"
    "then leverage non-increasing and mmr non-decreasing; a tier whose mmr would reach\n"
    "1/max_leverage ends the table. The policy carries a calibration block saying how.\n"
    "With --policy instead of --caps, every market of that policy with a volatility section\n"
    "is recalibrated from its own model and history, its caps and everything else kept.\n"
    "\n"
    "options:\n"
    "      --history FILE     daily OHLC CSV (with a quote-volume column unless --adv)\n"
    "      --model NAME       the model's plugin (ewma, garch11, ...); --plugin P alike\n"
    "      --param k=v        a model parameter (repeatable)\n"
    "      --caps LIST        each tier's upper cap, comma-separated, increasing\n"
    "      --adv N            average daily volume in the quote currency (default: the mean\n"
    "                         quote volume of the history's last 30 days)\n"
    "      --mm-confidence C  default 0.99;  --mm-horizon H  default 1h\n"
    "      --im-confidence C  default 0.99;  --im-horizon H  default 1d\n"
    "      --impact-k K       the square-root impact's factor, default 1\n"
    "      --until DATE       use the history up to DATE only\n"
    "      --market NAME      the market's name (default: the history's symbol)\n"
    "      --lot-size L       the market's lot_size\n"
    "      --owner NAME       policy.owner (default: unassigned)\n"
    "      --gaps RULE        missing days: error (default), drop or scale\n"
    "  -p, --policy FILE      recalibrate this policy's volatility-capped markets\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 written, 2 bad usage or input, 3 the model failed\n";

enum { K_HISTORY, K_MODEL, K_PLUGIN, K_PARAM, K_CAPS, K_ADV, K_MMC, K_MMH, K_IMC, K_IMH,
       K_IMPACT, K_UNTIL, K_MARKET, K_LOT, K_OWNER, K_GAPS, K_POLICY, K_HELP };

int cli_cmd_calibrate(int argc, char **argv)
{
    static const cli_opt opts[] = {
        [K_HISTORY] = {"history", 0, true},      [K_MODEL] = {"model", 0, true},
        [K_PLUGIN] = {"plugin", 0, true},        [K_PARAM] = {"param", 0, true},
        [K_CAPS] = {"caps", 0, true},            [K_ADV] = {"adv", 0, true},
        [K_MMC] = {"mm-confidence", 0, true},    [K_MMH] = {"mm-horizon", 0, true},
        [K_IMC] = {"im-confidence", 0, true},    [K_IMH] = {"im-horizon", 0, true},
        [K_IMPACT] = {"impact-k", 0, true},      [K_UNTIL] = {"until", 0, true},
        [K_MARKET] = {"market", 0, true},        [K_LOT] = {"lot-size", 0, true},
        [K_OWNER] = {"owner", 0, true},          [K_GAPS] = {"gaps", 0, true},
        [K_POLICY] = {"policy", 'p', true},      [K_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal calibrate";
    const char *policy = NULL;
    size_t n_hist = 0;
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **params = calloc((size_t)argc + 1, sizeof(*params));
    double *caps = calloc((size_t)argc * 64 + 1, sizeof(*caps));
    const char **hist = calloc((size_t)argc + 1, sizeof(*hist));
    lc_calibrate_request rq = LC_CALIBRATE_REQUEST_INIT;
    int id, code = -1;
    if (!params || !caps || !hist) {
        fputs("levcal: error: out of memory\n", stderr);
        free(params);
        free(caps);
        free(hist);
        return LC_EXIT_INTERNAL;
    }
    rq.vol.params = params;
    rq.caps = caps;
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        char *end = NULL;
        double x = 0;
        if (id >= 0 && opts[id].value && id != K_HISTORY && id != K_MODEL && id != K_PLUGIN &&
            id != K_PARAM && id != K_CAPS && id != K_UNTIL && id != K_MARKET && id != K_OWNER &&
            id != K_GAPS && id != K_MMH && id != K_IMH && id != K_POLICY) {
            x = strtod(a.value, &end);
            if (!end || *end || !(x >= 0)) {
                code = cli_usage_error(cmd, "expected a number for --%s, got '%s'", opts[id].name,
                                       a.value);
                break;
            }
        }
        switch (id) {
        case CLI_FAIL:
            code = LC_EXIT_USAGE;
            break;
        case K_HELP:
            fputs(calibrate_usage, stdout);
            code = LC_EXIT_OK;
            break;
        case CLI_ARG:
            code = cli_usage_error(cmd, "unexpected argument '%s'", a.value);
            break;
        case K_HISTORY:
            rq.vol.history = a.value;
            hist[n_hist++] = a.value;
            break;
        case K_MODEL:
        case K_PLUGIN:
            rq.vol.plugin = a.value;
            break;
        case K_PARAM:
            params[rq.vol.n_params++] = a.value;
            break;
        case K_POLICY:
            policy = a.value;
            break;
        case K_CAPS:
            for (const char *s = a.value; *s && code < 0;) {
                double c = strtod(s, &end);
                if (end == s || (*end && *end != ',')) {
                    code = cli_usage_error(cmd, "expected --caps as numbers separated by commas, "
                                                "got '%s'",
                                           a.value);
                    break;
                }
                caps[rq.n_caps++] = c;
                s = *end ? end + 1 : end;
            }
            break;
        case K_ADV:
            rq.adv = x;
            break;
        case K_MMC:
            rq.mm_confidence = x;
            break;
        case K_IMC:
            rq.im_confidence = x;
            break;
        case K_MMH:
        case K_IMH:
            if (lc_parse_horizon(a.value, id == K_MMH ? &rq.mm_horizon_days : &rq.im_horizon_days))
                code = cli_usage_error(cmd, "expected --%s as a number with m, h or d, got '%s'",
                                       opts[id].name, a.value);
            break;
        case K_IMPACT:
            rq.impact_k = x;
            rq.impact_k_set = 1;
            break;
        case K_UNTIL:
            if (lc_parse_date(a.value, &rq.vol.until_day) != LC_OK)
                code = cli_usage_error(cmd, "expected --until as YYYY-MM-DD, got '%s'", a.value);
            rq.vol.has_until = 1;
            break;
        case K_MARKET:
            rq.market = a.value;
            break;
        case K_LOT:
            rq.lot_size = x;
            break;
        case K_OWNER:
            rq.owner = a.value;
            break;
        case K_GAPS:
            rq.vol.gaps = a.value;
            break;
        }
    }
    if (code < 0 && policy && (rq.n_caps || rq.vol.plugin || rq.market))
        code = cli_usage_error(cmd, "--policy recalibrates the policy's own markets, models and "
                                    "caps: --caps, --model and --market do not go with it");
    for (size_t i = 0; code < 0 && policy && i < n_hist; i++)
        if (!strchr(hist[i], '='))
            code = cli_usage_error(cmd, "with --policy, expected --history MARKET=FILE, got '%s'",
                                   hist[i]);
    if (code < 0 && !policy && !rq.vol.history)
        code = cli_usage_error(cmd, "expected --history FILE");
    if (code < 0 && !policy && !rq.vol.plugin)
        code = cli_usage_error(cmd, "expected --model NAME (a plugin: ewma, garch11, ...)");
    if (code < 0 && !policy && rq.n_caps == 0)
        code = cli_usage_error(cmd, "expected --caps C1,C2,... (or --policy FILE)");
    if (code < 0) {
        lc_diags d;
        lc_diags_init(&d);
        /* Into memory first: nothing reaches stdout unless the policy is whole. */
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        lc_policy *pol = NULL;
        lc_status rc = mem ? LC_OK : LC_ENOMEM;
        if (rc == LC_OK && policy && (rc = lc_policy_load(policy, &pol, &d)) == LC_OK)
            rc = lc_recalibrate_write(pol, &rq, hist, n_hist, mem, &d);
        else if (rc == LC_OK && !policy)
            rc = lc_calibrate_write(&rq, mem, &d);
        lc_policy_free(pol);
        if (mem && fclose(mem) != 0 && rc == LC_OK)
            rc = LC_ENOMEM;
        if (rc == LC_EINPUT && cli_has_code(&d, LC_SEV_ERROR, LC_DIAG_MODEL)) {
            lc_diags_print(&d, stderr);
            code = LC_EXIT_MODEL;
        } else if (rc != LC_OK) {
            code = cli_fail(rc, &d);
        } else {
            lc_diags_print(&d, stderr);
            fwrite(text, 1, len, stdout);
            code = fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
        }
        free(text);
        lc_diags_free(&d);
    }
    free(params);
    free(caps);
    free(hist);
    return code;
}

/* ==== levcal stress ===================================================== */

static const char stress_usage[] =
    "usage: levcal stress --policy FILE --portfolio FILE (--shock SPEC | --scenario DATE)\n"
    "                     [--history MARKET=FILE]... [--vol xN] [--rounds N]\n"
    "                     [--format table|json] [--html FILE] [--portfolio-format json|yaml]\n"
    "\n"
    "Shocks the marks and runs the liquidation cascade (docs/stress.md): each round\n"
    "evaluates the book, every pool at liquidate carries out the policy's plan at the\n"
    "round's mark (everything when its equity is gone: the shortfall goes to the insurance\n"
    "fund), and the round's net forced flow per market moves its mark by the square-root\n"
    "law, mark *= 1 - s k sigma_1d sqrt(|net notional| / ADV). Stops after the first round\n"
    "that liquidates nothing, or after --rounds.\n"
    "\n"
    "options:\n"
    "  -p, --policy FILE      policy file\n"
    "  -f, --portfolio FILE   portfolio file\n"
    "      --shock SPEC       -30% on every market, or BTCUSDT=-30%,ETHUSDT=-40%\n"
    "      --scenario DATE    replay that day: each market's low against the previous close\n"
    "                         (needs --history for each market the book holds)\n"
    "      --history M=FILE   daily OHLC CSV of market M: the scenario's move, and the ADV and\n"
    "                         sigma_1d of the 30 days before (the policy's 'liquidity' wins)\n"
    "      --vol xN           volatility forecasts times N during the stress\n"
    "      --rounds N         at most N rounds (default 20)\n"
    "      --format FMT       table (default) or json\n"
    "      --html FILE        also write a page with the marks and liquidations by round\n"
    "      --portfolio-format json or yaml\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 done, 1 internal error, 2 bad usage or input\n";

enum { S_POLICY, S_PORTFOLIO, S_SHOCK, S_SCENARIO, S_HISTORY, S_VOL, S_ROUNDS, S_FORMAT,
       S_HTML, S_PFORMAT, S_HELP };

int cli_cmd_stress(int argc, char **argv)
{
    static const cli_opt opts[] = {
        [S_POLICY] = {"policy", 'p', true},     [S_PORTFOLIO] = {"portfolio", 'f', true},
        [S_SHOCK] = {"shock", 0, true},         [S_SCENARIO] = {"scenario", 0, true},
        [S_HISTORY] = {"history", 0, true},     [S_VOL] = {"vol", 0, true},
        [S_ROUNDS] = {"rounds", 0, true},       [S_FORMAT] = {"format", 0, true},
        [S_HTML] = {"html", 0, true},           [S_PFORMAT] = {"portfolio-format", 0, true},
        [S_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal stress";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **hist = calloc((size_t)argc + 1, sizeof(*hist));
    const char *policy = NULL, *portfolio = NULL, *html_path = NULL;
    lc_stress_request rq = LC_STRESS_REQUEST_INIT;
    lc_input_format pfmt = LC_INPUT_AUTO;
    lc_format fmt = LC_FORMAT_TABLE;
    int id, code = -1;
    if (!hist) {
        fputs("levcal: error: out of memory\n", stderr);
        return LC_EXIT_INTERNAL;
    }
    rq.histories = hist;
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        char *end = NULL;
        switch (id) {
        case CLI_FAIL:
            code = LC_EXIT_USAGE;
            break;
        case S_HELP:
            fputs(stress_usage, stdout);
            code = LC_EXIT_OK;
            break;
        case CLI_ARG:
            code = cli_usage_error(cmd, "unexpected argument '%s'", a.value);
            break;
        case S_POLICY:
            policy = a.value;
            break;
        case S_PORTFOLIO:
            portfolio = a.value;
            break;
        case S_SHOCK:
            rq.shock = a.value;
            break;
        case S_SCENARIO:
            if (lc_parse_date(a.value, &rq.scenario_day) != LC_OK)
                code = cli_usage_error(cmd, "expected --scenario as YYYY-MM-DD, got '%s'", a.value);
            rq.has_scenario = 1;
            break;
        case S_HISTORY:
            if (!strchr(a.value, '='))
                code = cli_usage_error(cmd, "expected --history MARKET=FILE, got '%s'", a.value);
            hist[rq.n_histories++] = a.value;
            break;
        case S_VOL:
            rq.vol_multiplier = strtod(a.value + (a.value[0] == 'x'), &end);
            if (!end || *end || !(rq.vol_multiplier > 0))
                code = cli_usage_error(cmd, "expected --vol as x3 (a positive factor), got '%s'",
                                       a.value);
            break;
        case S_ROUNDS: {
            long n = strtol(a.value, &end, 10);
            if (!end || *end || n < 1 || n > 100000)
                code = cli_usage_error(cmd, "expected --rounds as a number >= 1, got '%s'", a.value);
            rq.rounds = (int)n;
            break;
        }
        case S_FORMAT:
            if (cli_format(cmd, a.value, &fmt))
                code = LC_EXIT_USAGE;
            break;
        case S_HTML:
            html_path = a.value;
            break;
        case S_PFORMAT:
            if (cli_input_format(cmd, a.value, &pfmt))
                code = LC_EXIT_USAGE;
            break;
        }
    }
    if (code < 0) {
        int bad = cli_need_policy_portfolio(cmd, policy, portfolio);
        if (bad >= 0)
            code = bad;
        else if (!rq.shock == !rq.has_scenario)
            code = cli_usage_error(cmd, "expected one of --shock SPEC or --scenario DATE");
    }
    if (code < 0) {
        lc_diags d;
        lc_diags_init(&d);
        lc_policy *pol = NULL;
        lc_portfolio *pf = NULL;
        char *text = NULL, *page = NULL;
        size_t len = 0, plen = 0;
        FILE *mem = NULL, *pmem = NULL;
        lc_status rc = lc_policy_load(policy, &pol, &d);
        if (rc == LC_OK)
            rc = lc_portfolio_load_as(pol, portfolio, pfmt, &pf, &d);
        if (rc == LC_OK && (!(mem = open_memstream(&text, &len)) ||
                            (html_path && !(pmem = open_memstream(&page, &plen)))))
            rc = LC_ENOMEM;
        if (rc == LC_OK)
            rc = lc_stress_write(pol, pf, &rq, fmt, mem, pmem, &d);
        if (mem && fclose(mem) != 0 && rc == LC_OK)
            rc = LC_ENOMEM;
        if (pmem && fclose(pmem) != 0 && rc == LC_OK)
            rc = LC_ENOMEM;
        if (rc == LC_OK && html_path) {
            FILE *f = fopen(html_path, "w");
            if (!f || fwrite(page, 1, plen, f) != plen || fclose(f) != 0) {
                fprintf(stderr, "%s: error: cannot write the page\n", html_path);
                rc = LC_EIO;
            }
        }
        if (rc != LC_OK) {
            code = cli_fail(rc, &d);
        } else {
            lc_diags_print(&d, stderr);
            fwrite(text, 1, len, stdout);
            code = fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
        }
        free(text);
        free(page);
        lc_portfolio_free(pf);
        lc_policy_free(pol);
        lc_diags_free(&d);
    }
    free(hist);
    return code;
}
