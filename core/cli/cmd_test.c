/*
 * cmd_test.c - `levcal test`: a policy's tests, run like `opa test`.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

static const char test_usage[] =
    "usage: levcal test [-v] [--format text|json|junit] [--run REGEX] [PATH...]\n"
    "\n"
    "Runs the policy tests in PATH (test files, or directories searched for *_test.yaml;\n"
    "default '.'). Each case evaluates a book under a policy and compares report fields\n"
    "with what it expects (docs/testing.md). Failing cases are printed as file:line, each\n"
    "mismatch below, then 'N passed, M failed'.\n"
    "\n"
    "options:\n"
    "  -v, --verbose        a line for every case, passed or not\n"
    "      --format FMT     text (default), json, or junit (JUnit XML for CI systems)\n"
    "      --run REGEX      only the cases whose name matches (POSIX extended regex)\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 all passed, 1 a case failed, 2 a test file is malformed or cannot be\n"
    "read, or bad usage\n";

enum { T_VERBOSE, T_FORMAT, T_RUN, T_HELP };

int cli_cmd_test(int argc, char **argv)
{
    static const cli_opt opts[] = {[T_VERBOSE] = {"verbose", 'v', false},
                                   [T_FORMAT] = {"format", 0, true},
                                   [T_RUN] = {"run", 0, true},
                                   [T_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal test";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **paths = calloc((size_t)argc + 1, sizeof(*paths));
    size_t n = 0;
    lc_test_options o = LC_TEST_OPTIONS_INIT;
    int id, code = -1;
    if (!paths) {
        fputs("levcal: error: out of memory\n", stderr);
        return LC_EXIT_INTERNAL;
    }
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
            code = LC_EXIT_USAGE;
            break;
        case T_HELP:
            fputs(test_usage, stdout);
            code = LC_EXIT_OK;
            break;
        case CLI_ARG:
            paths[n++] = a.value;
            break;
        case T_VERBOSE:
            o.verbose = 1;
            break;
        case T_RUN:
            o.run = a.value;
            break;
        case T_FORMAT:
            if (strcmp(a.value, "text") == 0)
                o.format = LC_TEST_TEXT;
            else if (strcmp(a.value, "json") == 0)
                o.format = LC_TEST_JSON;
            else if (strcmp(a.value, "junit") == 0)
                o.format = LC_TEST_JUNIT;
            else
                code = cli_usage_error(cmd, "unknown format '%s'; expected text, json or junit",
                                       a.value);
            break;
        }
    }
    if (code < 0) {
        lc_diags d;
        lc_diags_init(&d);
        size_t passed = 0, failed = 0;
        lc_status rc = lc_test_run(paths, n, &o, stdout, &passed, &failed, &d);
        if (rc != LC_OK)
            code = cli_fail(rc, &d);
        else if (fflush(stdout) != 0)
            code = cli_write_failed();
        else
            code = failed ? 1 : LC_EXIT_OK;
        lc_diags_free(&d);
    }
    free(paths);
    return code;
}

/* ==== levcal explain ==================================================== */

static const char explain_usage[] =
    "usage: levcal explain --policy FILE --portfolio FILE --account ID [--market M]\n"
    "                      [--format text|json] [--history MARKET=FILE]... [--until DATE]\n"
    "                      [--portfolio-format json|yaml]\n"
    "\n"
    "Shows how every figure of one account (or one of its positions) came out, in the\n"
    "order computed, each with its formula and the values put in: the tier search, the\n"
    "maintenance amount, margins and upnl, volatility and script caps, the liquidation\n"
    "price's walk over the tiers, the account's sums, each status rule and the plan.\n"
    "Every number is the report's (levcal eval).\n"
    "\n"
    "options:\n"
    "  -p, --policy FILE      policy file\n"
    "  -f, --portfolio FILE   portfolio file\n"
    "      --account ID       the account to explain\n"
    "      --market M         only its position in market M\n"
    "      --format FMT       text (default, for people) or json (for tools)\n"
    "      --history M=FILE   daily OHLC CSV for market M's volatility model (repeatable)\n"
    "      --until DATE       use price history up to DATE only\n"
    "      --portfolio-format json or yaml\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 explained, 1 internal error, 2 bad usage, invalid input or no such\n"
    "account\n";

enum { X_POLICY, X_PORTFOLIO, X_ACCOUNT, X_MARKET, X_FORMAT, X_HISTORY, X_UNTIL, X_PFORMAT,
       X_HELP };

int cli_cmd_explain(int argc, char **argv)
{
    static const cli_opt opts[] = {
        [X_POLICY] = {"policy", 'p', true},   [X_PORTFOLIO] = {"portfolio", 'f', true},
        [X_ACCOUNT] = {"account", 0, true},   [X_MARKET] = {"market", 0, true},
        [X_FORMAT] = {"format", 0, true},     [X_HISTORY] = {"history", 0, true},
        [X_UNTIL] = {"until", 0, true},       [X_PFORMAT] = {"portfolio-format", 0, true},
        [X_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal explain";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char *policy = NULL, *portfolio = NULL, *account = NULL, *market = NULL;
    const char **hist = calloc((size_t)argc + 1, sizeof(*hist));
    lc_calibration cal = LC_CALIBRATION_INIT;
    lc_input_format pfmt = LC_INPUT_AUTO;
    lc_format fmt = LC_FORMAT_TABLE;
    int id, code = -1;
    if (!hist) {
        fputs("levcal: error: out of memory\n", stderr);
        return LC_EXIT_INTERNAL;
    }
    cal.histories = hist;
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
            code = LC_EXIT_USAGE;
            break;
        case CLI_ARG:
            code = cli_usage_error(cmd, "unexpected argument '%s'", a.value);
            break;
        case X_HELP:
            fputs(explain_usage, stdout);
            code = LC_EXIT_OK;
            break;
        case X_POLICY:
            policy = a.value;
            break;
        case X_PORTFOLIO:
            portfolio = a.value;
            break;
        case X_ACCOUNT:
            account = a.value;
            break;
        case X_MARKET:
            market = a.value;
            break;
        case X_FORMAT:
            if (strcmp(a.value, "text") == 0)
                fmt = LC_FORMAT_TABLE;
            else if (strcmp(a.value, "json") == 0)
                fmt = LC_FORMAT_JSON;
            else
                code = cli_usage_error(cmd, "unknown format '%s'; expected text or json", a.value);
            break;
        case X_HISTORY:
            hist[cal.n_histories++] = a.value;
            break;
        case X_UNTIL:
            if (lc_parse_date(a.value, &cal.until_day) != LC_OK)
                code = cli_usage_error(cmd, "expected --until as YYYY-MM-DD, got '%s'", a.value);
            cal.has_until = 1;
            break;
        case X_PFORMAT:
            if (cli_input_format(cmd, a.value, &pfmt))
                code = LC_EXIT_USAGE;
            break;
        }
    }
    if (code < 0) {
        int bad = cli_need_policy_portfolio(cmd, policy, portfolio);
        if (bad >= 0)
            code = bad;
        else if (!account)
            code = cli_usage_error(cmd, "expected --account ID");
    }
    if (code < 0) {
        lc_diags d;
        lc_diags_init(&d);
        lc_policy *pol = NULL;
        lc_portfolio *pf = NULL;
        lc_status rc = lc_policy_load(policy, &pol, &d);
        if (rc == LC_OK)
            rc = lc_policy_calibrate(pol, &cal, &d);
        if (rc == LC_OK)
            rc = lc_portfolio_load_as(pol, portfolio, pfmt, &pf, &d);
        if (rc == LC_OK)
            rc = lc_explain_write(pol, pf, account, market, fmt, stdout, &d);
        if (rc == LC_EIO && pf)
            code = cli_write_failed();
        else if (rc != LC_OK)
            code = cli_fail(rc, &d);
        else {
            lc_diags_print(&d, stderr);
            code = fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
        }
        lc_portfolio_free(pf);
        lc_policy_free(pol);
        lc_diags_free(&d);
    }
    free(hist);
    return code;
}

/* ==== levcal diff ======================================================= */

static const char diff_usage[] =
    "usage: levcal diff OLD NEW [--portfolio FILE]... [--history MARKET=FILE]...\n"
    "                   [--until DATE] [--format text|json] [--html FILE] [--exit-code]\n"
    "\n"
    "Shows what changed from policy OLD to policy NEW, on their canonical content (layout,\n"
    "key order and number spelling never show): each change as a JSON Pointer with the old\n"
    "and new value, markets added, removed and changed with their tier tables side by side\n"
    "and the notional ranges that got more or less leverage or margin, and a unified diff of\n"
    "each changed script. With --portfolio, both policies are evaluated on the book: the\n"
    "accounts and positions that change, totals, and the status transitions.\n"
    "\n"
    "options:\n"
    "  -f, --portfolio FILE   a book to measure the impact on (repeatable)\n"
    "      --history M=FILE   daily OHLC CSV for market M's volatility model (repeatable)\n"
    "      --until DATE       use price history up to DATE only\n"
    "      --format FMT       text (default) or json\n"
    "      --html FILE        also write a self-contained HTML page with charts\n"
    "      --exit-code        exit 1 when the policies differ (like git diff)\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 done (1 with --exit-code when they differ), 2 a file does not load or\n"
    "bad usage\n";

enum { D_PORTFOLIO, D_HISTORY, D_UNTIL, D_FORMAT, D_HTML, D_EXIT, D_HELP };

int cli_cmd_diff(int argc, char **argv)
{
    static const cli_opt opts[] = {
        [D_PORTFOLIO] = {"portfolio", 'f', true}, [D_HISTORY] = {"history", 0, true},
        [D_UNTIL] = {"until", 0, true},         [D_FORMAT] = {"format", 0, true},
        [D_HTML] = {"html", 0, true},           [D_EXIT] = {"exit-code", 0, false},
        [D_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal diff";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **books = calloc((size_t)argc + 1, sizeof(*books));
    const char **hist = calloc((size_t)argc + 1, sizeof(*hist));
    const char *files[2] = {NULL, NULL}, *html_path = NULL;
    size_t n_books = 0, n_files = 0;
    lc_calibration cal = LC_CALIBRATION_INIT;
    lc_format fmt = LC_FORMAT_TABLE;
    bool exit_code = false;
    int id, code = -1;
    if (!books || !hist) {
        fputs("levcal: error: out of memory\n", stderr);
        code = LC_EXIT_INTERNAL;
    }
    cal.histories = hist;
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
            code = LC_EXIT_USAGE;
            break;
        case D_HELP:
            fputs(diff_usage, stdout);
            code = LC_EXIT_OK;
            break;
        case CLI_ARG:
            if (n_files == 2)
                code = cli_usage_error(cmd, "unexpected argument '%s' (two policies: OLD NEW)",
                                       a.value);
            else
                files[n_files++] = a.value;
            break;
        case D_PORTFOLIO:
            books[n_books++] = a.value;
            break;
        case D_HISTORY:
            hist[cal.n_histories++] = a.value;
            break;
        case D_UNTIL:
            if (lc_parse_date(a.value, &cal.until_day) != LC_OK)
                code = cli_usage_error(cmd, "expected --until as YYYY-MM-DD, got '%s'", a.value);
            cal.has_until = 1;
            break;
        case D_FORMAT:
            if (strcmp(a.value, "text") == 0)
                fmt = LC_FORMAT_TABLE;
            else if (strcmp(a.value, "json") == 0)
                fmt = LC_FORMAT_JSON;
            else
                code = cli_usage_error(cmd, "unknown format '%s'; expected text or json", a.value);
            break;
        case D_HTML:
            html_path = a.value;
            break;
        case D_EXIT:
            exit_code = true;
            break;
        }
    }
    if (code < 0 && n_files != 2)
        code = cli_usage_error(cmd, "expected two policies, OLD and NEW");
    if (code < 0) {
        lc_diags d;
        lc_diags_init(&d);
        lc_policy *pol[2] = {NULL, NULL};
        lc_status rc = LC_OK;
        for (int s = 0; s < 2 && rc == LC_OK; s++) {
            rc = lc_policy_load(files[s], &pol[s], &d);
            if (rc == LC_OK)
                rc = lc_policy_calibrate(pol[s], &cal, &d);
        }
        /* The page's file is opened first, so that a path that cannot be written fails
         * before anything is printed; it takes the old file's place only when whole. */
        cli_replace page;
        bool paging = false;
        if (rc == LC_OK && html_path) {
            paging = cli_replace_open(&page, html_path);
            if (!paging)
                rc = LC_EIO;
        }
        int differ = 0;
        if (rc == LC_OK)
            rc = lc_diff_write(pol[0], pol[1], books, n_books, fmt, stdout,
                               paging ? page.f : NULL, &differ, &d);
        if (paging && !cli_replace_commit(&page, rc == LC_OK) && rc == LC_OK) {
            fprintf(stderr, "%s: error: cannot write: %s\n", html_path, strerror(errno));
            rc = LC_EIO;
        }
        if (rc != LC_OK)
            code = cli_fail(rc, &d);
        else if (fflush(stdout) != 0)
            code = cli_write_failed();
        else
            code = exit_code && differ ? 1 : LC_EXIT_OK;
        lc_policy_free(pol[0]);
        lc_policy_free(pol[1]);
        lc_diags_free(&d);
    }
    free(books);
    free(hist);
    return code;
}
