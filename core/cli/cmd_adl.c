/*
 * cmd_adl.c - `levcal adl`: the auto-deleveraging queues of a book under a policy.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char adl_usage[] =
    "usage: levcal adl --policy FILE --portfolio FILE [--market M] [--format json|table]\n"
    "                  [--portfolio-format json|yaml]\n"
    "\n"
    "Ranks, per market and side, the positions that would be deleveraged against a\n"
    "liquidated opposite position: every position whose account (or isolated position)\n"
    "has equity > 0, scored by the policy's deleveraging.adl.ranking (bitmex, binance,\n"
    "hyperliquid or script:<name>; bitmex when the policy names none), rank 1 first, ties\n"
    "by account id, with the indicator exchanges show (5 = the top fifth).\n"
    "\n"
    "options:\n"
    "  -p, --policy FILE      policy file; '-' reads standard input\n"
    "  -f, --portfolio FILE   portfolio file; '-' reads standard input\n"
    "      --portfolio-format json or yaml (default: by name, then by the first character)\n"
    "      --market M         only market M's queues\n"
    "      --format FMT       json (default) or table\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 ranked, 1 internal error, 2 bad usage or invalid input\n";

enum { A_POLICY, A_PORTFOLIO, A_PFORMAT, A_MARKET, A_FORMAT, A_HELP };

int cli_cmd_adl(int argc, char **argv)
{
    static const cli_opt opts[] = {
        [A_POLICY] = {"policy", 'p', true},   [A_PORTFOLIO] = {"portfolio", 'f', true},
        [A_PFORMAT] = {"portfolio-format", 0, true}, [A_MARKET] = {"market", 0, true},
        [A_FORMAT] = {"format", 0, true},     [A_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal adl";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char *policy = NULL, *portfolio = NULL;
    lc_input_format pfmt = LC_INPUT_AUTO;
    lc_format fmt = LC_FORMAT_JSON;
    lc_adl_options ao = LC_ADL_OPTIONS_INIT;
    int id;
    while ((id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
            return LC_EXIT_USAGE;
        case CLI_ARG:
            return cli_usage_error(cmd, "unexpected argument '%s'", a.value);
        case A_POLICY:
            policy = a.value;
            break;
        case A_PORTFOLIO:
            portfolio = a.value;
            break;
        case A_PFORMAT:
            if (cli_input_format(cmd, a.value, &pfmt))
                return LC_EXIT_USAGE;
            break;
        case A_MARKET:
            ao.market = a.value;
            break;
        case A_FORMAT:
            if (cli_format(cmd, a.value, &fmt))
                return LC_EXIT_USAGE;
            break;
        case A_HELP:
            fputs(adl_usage, stdout);
            return LC_EXIT_OK;
        }
    }
    int bad = cli_need_policy_portfolio(cmd, policy, portfolio);
    if (bad >= 0)
        return bad;
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *pol = NULL;
    lc_portfolio *pf = NULL;
    int code;
    lc_status rc = lc_policy_load(policy, &pol, &d);
    if (rc == LC_OK)
        rc = lc_portfolio_load_as(pol, portfolio, pfmt, &pf, &d);
    if (rc == LC_OK)
        rc = lc_adl_write(pol, pf, &ao, fmt, stdout, &d);
    if (rc == LC_EIO && pf)
        code = cli_write_failed();
    else if (rc != LC_OK)
        code = cli_fail(rc, &d);
    else {
        lc_diags_print(&d, stderr);
        code = LC_EXIT_OK;
    }
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return code;
}
