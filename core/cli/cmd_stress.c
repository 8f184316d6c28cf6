/*
 * cmd_stress.c - `levcal stress`: a book under a shock to its marks or a replayed day, the
 * liquidation cascade run to its end.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        code = cli_finish(rc, &d, text, len);
        free(text);
        free(page);
        lc_portfolio_free(pf);
        lc_policy_free(pol);
        lc_diags_free(&d);
    }
    free(hist);
    return code;
}
