/*
 * cmd_eval.c - `levcal eval` and `levcal check`.
 *
 * Nothing reaches standard output until the whole evaluation has succeeded: on bad input
 * the caller gets diagnostics on standard error, exit status 2, and an empty stdout.
 */
#include "../src/lc_prefix.h"

#include "cli.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char eval_usage[] =
    "usage: levcal eval --policy FILE --portfolio FILE [--format json|table]\n"
    "                   [--history MARKET=FILE]... [--until YYYY-MM-DD]\n"
    "\n"
    "Evaluates every account of the portfolio under the policy: per position its tier,\n"
    "maintenance and initial margin, unrealised PnL and liquidation price; per account\n"
    "equity, margin ratio, leverage and status (ok, over_limit, liquidate) with the reason.\n"
    "\n"
    "options:\n"
    "  -p, --policy FILE      policy file (YAML, format 'levcal: 1')\n"
    "  -f, --portfolio FILE   portfolio file (YAML or JSON); '-' reads standard input\n"
    "      --format FMT       json (default; see docs/report.md) or table\n"
    "      --history M=FILE   daily OHLC CSV for market M's volatility model, over the\n"
    "                         policy's 'history:' (repeatable)\n"
    "      --until DATE       use price history up to DATE only, for reproducible runs\n"
    "      --allow-script-errors  exit 0 even when a policy script failed on an account\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 evaluated, 1 internal error, 2 bad usage or invalid input,\n"
    "             4 evaluated, but a policy script failed on at least one account (those\n"
    "               accounts are reported as script_error and held at 1x)\n";

static const char check_usage[] =
    "usage: levcal check POLICY...\n"
    "\n"
    "Validates each policy file and reports every problem found; prints nothing else.\n"
    "\n"
    "exit status: 0 all valid, 1 internal error, 2 a policy is invalid\n";

int lc_cli_fail(lc_status rc, lc_diags *d)
{
    lc_diags_print(d, stderr);
    if (rc == LC_ENOMEM) {
        fputs("levcal: error: out of memory\n", stderr);
        return LC_EXIT_INTERNAL;
    }
    return rc == LC_EINPUT || rc == LC_EIO ? LC_EXIT_INPUT : LC_EXIT_INTERNAL;
}

int lc_cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {{"policy", required_argument, NULL, 'p'},
                                         {"portfolio", required_argument, NULL, 'f'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"history", required_argument, NULL, 'H'},
                                         {"until", required_argument, NULL, 'U'},
                                         {"allow-script-errors", no_argument, NULL, 'A'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *policy = NULL, *portfolio = NULL;
    const char *histories[64];
    lc_calibration cal = {0};
    cal.histories = histories;
    bool allow_script_errors = false;
    lc_format fmt = LC_FORMAT_JSON;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":p:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            policy = optarg;
            break;
        case 'f':
            portfolio = optarg;
            break;
        case 'F':
            if (lc_cli_format("levcal eval", optarg, &fmt))
                return LC_EXIT_USAGE;
            break;
        case 'H':
            if (cal.n_histories == sizeof histories / sizeof histories[0]) {
                fputs("levcal eval: too many --history options\n", stderr);
                return LC_EXIT_USAGE;
            }
            histories[cal.n_histories++] = optarg;
            break;
        case 'U':
            if (lc_parse_date(optarg, &cal.until_day) != LC_OK) {
                fprintf(stderr, "levcal eval: --until '%s': expected a date YYYY-MM-DD\n", optarg);
                return LC_EXIT_USAGE;
            }
            cal.has_until = 1;
            break;
        case 'A':
            allow_script_errors = true;
            break;
        case 'h':
            fputs(eval_usage, stdout);
            return LC_EXIT_OK;
        case ':':
            fprintf(stderr, "levcal eval: option '%s' needs a value\n", argv[optind - 1]);
            return LC_EXIT_USAGE;
        default:
            fprintf(stderr, "levcal eval: unknown option '%s'\n%s", argv[optind - 1], eval_usage);
            return LC_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "levcal eval: unexpected argument '%s'\n%s", argv[optind], eval_usage);
        return LC_EXIT_USAGE;
    }
    if (!policy || !portfolio) {
        fprintf(stderr, "levcal eval: %s is required\n%s",
                !policy ? "--policy" : "--portfolio", eval_usage);
        return LC_EXIT_USAGE;
    }

    lc_diags d;
    lc_diags_init(&d);
    lc_policy *pol = NULL;
    lc_portfolio *pf = NULL;
    int code;
    lc_status rc = lc_policy_load(policy, &pol, &d);
    if (rc == LC_OK)
        rc = lc_policy_calibrate(pol, &cal, &d);
    if (rc == LC_OK)
        rc = lc_portfolio_load(pol, portfolio, &pf, &d);
    if (rc != LC_OK) {
        code = lc_cli_fail(rc, &d);
        goto out;
    }
    lc_diags_print(&d, stderr); /* warnings */
    /* Evaluation cannot fail on valid input, so streaming the report keeps the promise
     * of an empty stdout on error while never holding a million position results. */
    lc_summary sum;
    rc = lc_evaluate_write(pol, pf, fmt, stdout, &sum);
    if (rc == LC_EIO) {
        code = lc_cli_write_failed();
    } else if (rc != LC_OK) {
        code = lc_cli_fail(rc, &d);
    } else if (sum.script_errors) {
        /* The message holds an account id and script text: no control byte to the tty. */
        for (char *q = sum.first_script_error; *q; q++)
            if ((unsigned char)*q < 0x20 || *q == 0x7f)
                *q = '?';
        fprintf(stderr, "levcal: %s: a policy script failed on %zu account%s; they are held "
                        "at 1x (see script_error in the report). First: %s\n",
                allow_script_errors ? "warning" : "error", sum.script_errors,
                sum.script_errors == 1 ? "" : "s", sum.first_script_error);
        code = allow_script_errors ? LC_EXIT_OK : LC_EXIT_SCRIPT;
    } else {
        code = LC_EXIT_OK;
    }
out:
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return code;
}

int lc_cli_write_failed(void)
{
    fputs("levcal: error: could not write to standard output\n", stderr);
    return LC_EXIT_INTERNAL;
}

int lc_cli_format(const char *cmd, const char *arg, lc_format *fmt)
{
    if (strcmp(arg, "json") == 0) {
        *fmt = LC_FORMAT_JSON;
        return 0;
    }
    if (strcmp(arg, "table") == 0) {
        *fmt = LC_FORMAT_TABLE;
        return 0;
    }
    fprintf(stderr, "%s: unknown format '%s'; expected json or table\n", cmd, arg);
    return -1;
}

int lc_cmd_check(int argc, char **argv)
{
    if (argc < 2) {
        fputs(check_usage, stderr);
        return LC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(check_usage, stdout);
        return LC_EXIT_OK;
    }
    int code = LC_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        lc_diags d;
        lc_diags_init(&d);
        lc_policy *pol = NULL;
        lc_status rc = lc_policy_load(argv[i], &pol, &d);
        if (rc != LC_OK) {
            int c = lc_cli_fail(rc, &d);
            if (c > code || code == LC_EXIT_OK)
                code = c;
        } else {
            lc_diags_print(&d, stderr);
        }
        lc_policy_free(pol);
        lc_diags_free(&d);
    }
    return code;
}
