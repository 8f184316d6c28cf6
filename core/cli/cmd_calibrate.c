/*
 * cmd_calibrate.c - `levcal calibrate`: a market's tiers from a volatility forecast and its
 * liquidity, or a policy's volatility-capped markets recalibrated.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        } else {
            code = cli_finish(rc, &d, text, len);
        }
        free(text);
        lc_diags_free(&d);
    }
    free(params);
    free(caps);
    free(hist);
    return code;
}
