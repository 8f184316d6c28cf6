/*
 * cmd_eval.c - `levcal eval` and `levcal check`.
 *
 * Nothing reaches standard output until the whole evaluation has succeeded: on bad input
 * the caller gets diagnostics on standard error, exit status 2, and an empty stdout.
 */

#include "cli.h"

#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char eval_usage[] =
    "usage: levcal eval --policy FILE --portfolio FILE [--format json|table|ndjson]\n"
    "                   [--portfolio-format json|yaml|ndjson] [--marks FILE]\n"
    "                   [--history MARKET=FILE]...\n"
    "                   [--until YYYY-MM-DD] [--fail-on STATUS] [--allow-script-errors]\n"
    "                   [--account ID]... [--status STATUS]... [--sort KEY]\n"
    "                   [--require-approval] [--require-signature KEY.pub] [--threads N]\n"
    "\n"
    "Evaluates every account of the portfolio under the policy: per position its tier,\n"
    "maintenance and initial margin, unrealised PnL and liquidation price; per account\n"
    "equity, margin ratio, leverage and status (ok, over_limit, liquidate) with every rule\n"
    "it breaks.\n"
    "\n"
    "options:\n"
    "  -p, --policy FILE      policy file (YAML, format 'levcal: 1'); '-' reads standard input\n"
    "  -f, --portfolio FILE   portfolio file (YAML or JSON); '-' reads standard input\n"
    "      --portfolio-format json, yaml or ndjson; by default by the name (.json, .yaml,\n"
    "                         .yml, .ndjson, .jsonl), else JSON when the text starts with\n"
    "                         '{' or '['. NDJSON is streamed: its first line gives the\n"
    "                         marks, then one account per line; memory stays bounded\n"
    "      --marks FILE       NDJSON: the marks (open_interest, as_of) from FILE, so that\n"
    "                         every line of the stream is an account\n"
    "      --format FMT       json (default; see docs/report.md), table, or ndjson: one\n"
    "                         account per line, then a summary line (the default for an\n"
    "                         NDJSON portfolio, and the only format it is written in)\n"
    "      --history M=FILE   daily OHLC CSV for market M's volatility model, over the\n"
    "                         policy's 'history:' (repeatable)\n"
    "      --until DATE       use price history up to DATE only, for reproducible runs\n"
    "      --fail-on STATUS   exit 5 when an account is at or above STATUS: margin_call,\n"
    "                         over_limit, reduce_only, deleverage or liquidate\n"
    "      --allow-script-errors  exit 0 even when a policy script failed on an account\n"
    "      --account ID       write only this account (repeatable)\n"
    "      --status STATUS    write only accounts with this status (repeatable)\n"
    "      --sort KEY         most at risk first: margin_ratio, leverage or notional\n"
    "      --require-approval refuse a policy none of whose approvals names its current\n"
    "                         digest (see levcal approve)\n"
    "      --require-signature KEY.pub  refuse a policy unless POLICY.sig is KEY.pub's\n"
    "                         signature of its current digest (see levcal sign)\n"
    "      --threads N        read, evaluate and format with N threads (default: the\n"
    "                         machine's cores) while another hashes the input and\n"
    "                         writes the report; the report, and every error, is the\n"
    "                         same bytes whatever N. Each thread runs policy scripts in\n"
    "                         a state of its own; tables and sorted reports use one\n"
    "                         thread\n"
    "  -h, --help             show this help\n"
    "\n"
    "The summary counts every account, whatever is written.\n"
    "\n"
    "exit status: 0 evaluated, 1 internal error, 2 bad usage or invalid input,\n"
    "             4 evaluated, but a policy script failed on at least one account (those\n"
    "               accounts are held at 1x and at least over_limit),\n"
    "             5 evaluated, and an account is at or above the --fail-on status\n";

static const char check_usage[] =
    "usage: levcal check [--format text|json] POLICY...\n"
    "\n"
    "Validates each policy file and reports every problem found, with the files a policy\n"
    "refers to (scripts, plugins, price histories). With --format json, one object per\n"
    "finding: file, line, column, severity, code, message.\n"
    "\n"
    "exit status: 0 all valid, 1 internal error, 2 a policy is invalid or unreadable\n";

/* A status word: ok, margin_call, over_limit, reduce_only, deleverage, liquidate. */
static int status_word(const char *s, lc_verdict *v)
{
    for (int i = 0; i < LC_N_VERDICTS; i++) {
        if (strcmp(s, lc_verdict_name((lc_verdict)i)) == 0) {
            *v = (lc_verdict)i;
            return 0;
        }
    }
    return -1;
}

enum { E_POLICY, E_PORTFOLIO, E_PFORMAT, E_FORMAT, E_HISTORY, E_UNTIL, E_ALLOW, E_FAILON,
       E_ACCOUNT, E_STATUS, E_SORT, E_REQ_APPROVAL, E_REQ_SIGNATURE, E_MARKS, E_THREADS, E_HELP };

/* What `levcal eval` was asked to do. */
typedef struct eval_opts {
    const char *policy, *portfolio;
    lc_input_format pfmt;
    bool ndjson_in;          /* the portfolio is an NDJSON stream */
    bool fmt_given;
    const char *marks;       /* --marks FILE */
    lc_format fmt;
    lc_calibration cal;
    lc_write_options wo;
    bool allow_script_errors, fail_on;
    lc_verdict fail_at;
    bool require_approval;
    const char *require_signature; /* the public key that must have signed POLICY.sig */
} eval_opts;

/* Reads the command line into "o" (the repeatable options' arrays were allocated with
 * room for every argument). Returns -1 to go on, else the exit status. */
static int eval_args(int argc, char **argv, eval_opts *o, const char **histories,
                     const char **accounts)
{
    static const cli_opt opts[] = {
        [E_POLICY] = {"policy", 'p', true},      [E_PORTFOLIO] = {"portfolio", 'f', true},
        [E_PFORMAT] = {"portfolio-format", 0, true}, [E_FORMAT] = {"format", 0, true},
        [E_HISTORY] = {"history", 0, true},      [E_UNTIL] = {"until", 0, true},
        [E_ALLOW] = {"allow-script-errors", 0, false}, [E_FAILON] = {"fail-on", 0, true},
        [E_ACCOUNT] = {"account", 0, true},      [E_STATUS] = {"status", 0, true},
        [E_SORT] = {"sort", 0, true},            [E_HELP] = {"help", 'h', false},
        [E_REQ_APPROVAL] = {"require-approval", 0, false},
        [E_REQ_SIGNATURE] = {"require-signature", 0, true}, [E_MARKS] = {"marks", 0, true},
        [E_THREADS] = {"threads", 0, true}};
    const char *cmd = "levcal eval";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    int id;
    o->cal.histories = histories;
    o->wo.accounts = accounts;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->wo.threads = cores > 1 ? (unsigned)(cores < 64 ? cores : 64) : 1;
    while ((id = cli_next(&a)) != CLI_END) {
        lc_verdict v;
        switch (id) {
        case CLI_FAIL:
            return LC_EXIT_USAGE;
        case CLI_ARG:
            return cli_usage_error(cmd, "unexpected argument '%s'", a.value);
        case E_POLICY:
            o->policy = a.value;
            break;
        case E_PORTFOLIO:
            o->portfolio = a.value;
            break;
        case E_PFORMAT:
            if (strcmp(a.value, "ndjson") == 0)
                o->ndjson_in = true;
            else if (cli_input_format(cmd, a.value, &o->pfmt))
                return LC_EXIT_USAGE;
            break;
        case E_FORMAT:
            o->fmt_given = true;
            if (strcmp(a.value, "ndjson") == 0)
                o->fmt = LC_FORMAT_NDJSON;
            else if (cli_format(cmd, a.value, &o->fmt))
                return LC_EXIT_USAGE;
            break;
        case E_MARKS:
            o->marks = a.value;
            break;
        case E_THREADS: {
            char *end;
            long n = strtol(a.value, &end, 10);
            if (*end || end == a.value || n < 1 || n > 64)
                return cli_usage_error(cmd, "--threads '%s': expected a count from 1 to 64",
                                       a.value);
            o->wo.threads = (unsigned)n;
            break;
        }
        case E_HISTORY:
            histories[o->cal.n_histories++] = a.value;
            break;
        case E_UNTIL:
            if (lc_parse_date(a.value, &o->cal.until_day) != LC_OK)
                return cli_usage_error(cmd, "--until '%s': expected a date YYYY-MM-DD", a.value);
            o->cal.has_until = 1;
            break;
        case E_ALLOW:
            o->allow_script_errors = true;
            break;
        case E_FAILON:
            if (status_word(a.value, &v) || v == LC_VERDICT_OK)
                return cli_usage_error(cmd, "--fail-on '%s': expected margin_call, over_limit, "
                                            "reduce_only, deleverage or liquidate", a.value);
            o->fail_on = true;
            o->fail_at = v;
            break;
        case E_ACCOUNT:
            accounts[o->wo.n_accounts++] = a.value;
            break;
        case E_STATUS:
            if (status_word(a.value, &v))
                return cli_usage_error(cmd, "--status '%s': expected ok, margin_call, over_limit, "
                                            "reduce_only, deleverage or liquidate", a.value);
            o->wo.status_mask |= 1u << v;
            break;
        case E_SORT:
            if (strcmp(a.value, "margin_ratio") == 0)
                o->wo.sort = LC_SORT_MARGIN_RATIO;
            else if (strcmp(a.value, "leverage") == 0)
                o->wo.sort = LC_SORT_LEVERAGE;
            else if (strcmp(a.value, "notional") == 0)
                o->wo.sort = LC_SORT_NOTIONAL;
            else
                return cli_usage_error(
                    cmd, "--sort '%s': expected margin_ratio, leverage or notional", a.value);
            break;
        case E_REQ_APPROVAL:
            o->require_approval = true;
            break;
        case E_REQ_SIGNATURE:
            o->require_signature = a.value;
            break;
        case E_HELP:
            fputs(eval_usage, stdout);
            return LC_EXIT_OK;
        }
    }
    int code = cli_need_policy_portfolio(cmd, o->policy, o->portfolio);
    if (code >= 0)
        return code;
    /* An NDJSON stream, by the flag or by its name. */
    const char *dot = strrchr(o->portfolio, '.');
    if (o->pfmt == LC_INPUT_AUTO && dot && !strchr(dot, '/') &&
        (strcmp(dot, ".ndjson") == 0 || strcmp(dot, ".jsonl") == 0))
        o->ndjson_in = true;
    if (!o->ndjson_in) {
        if (o->marks)
            return cli_usage_error(cmd, "--marks goes with an NDJSON portfolio "
                                        "(--portfolio-format ndjson)");
        return -1;
    }
    if (o->fmt_given && o->fmt != LC_FORMAT_NDJSON)
        return cli_usage_error(cmd, "an NDJSON portfolio is streamed and its report is "
                                    "NDJSON: use --format ndjson, or leave --format out");
    if (o->wo.sort != LC_SORT_NONE)
        return cli_usage_error(cmd, "--sort needs the whole book at once; an NDJSON portfolio "
                                    "is streamed");
    if (o->marks && strcmp(o->marks, "-") == 0 && strcmp(o->portfolio, "-") == 0)
        return cli_usage_error(cmd, "--marks and --portfolio cannot both read standard input");
    o->fmt = LC_FORMAT_NDJSON;
    return -1;
}

/* Loads, calibrates, evaluates and writes; the exit status. */
static int eval_run(const eval_opts *o)
{
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *pol = NULL;
    lc_portfolio *pf = NULL;
    int code;
    lc_status rc = lc_policy_load(o->policy, &pol, &d);
    if (rc != LC_OK) {
        code = cli_fail(rc, &d);
        goto out;
    }
    if ((code = cli_trusted(o->policy, pol, o->require_approval, o->require_signature)) >= 0)
        goto out;
    rc = lc_policy_calibrate(pol, &o->cal, &d);
    if (rc != LC_OK) {
        code = cli_fail(rc, &d);
        /* The library speaks of histories; the flags that set them are the command's. */
        if (rc == LC_EINPUT || rc == LC_EIO)
            fputs("levcal: note: --history MARKET=FILE gives a market's price history; "
                  "--until DATE cuts every history at that day\n", stderr);
        goto out;
    }
    lc_summary sum = LC_SUMMARY_INIT;
    if (o->ndjson_in) {
        lc_diags_print(&d, stderr); /* warnings */
        lc_diags_free(&d);
        FILE *in = strcmp(o->portfolio, "-") == 0 ? stdin : fopen(o->portfolio, "r");
        if (!in) {
            fprintf(stderr, "%s: error: cannot open: %s\n", o->portfolio, strerror(errno));
            code = LC_EXIT_INPUT;
            goto out;
        }
        lc_stream_options so = LC_STREAM_OPTIONS_INIT;
        so.name = o->portfolio;
        so.marks = o->marks;
        so.write = &o->wo;
        rc = lc_evaluate_stream(pol, in, &so, stdout, &sum, &d);
        if (in != stdin)
            fclose(in);
        if (rc == LC_OK && fflush(stdout) != 0)
            rc = LC_EIO;
        if (rc != LC_OK) {
            if (rc == LC_EIO && !d.head)
                code = cli_write_failed();
            else
                code = cli_fail(rc, &d);
            if (rc == LC_EINPUT)
                fputs("levcal: note: the NDJSON report ends without its summary line: what it "
                      "holds is not the whole book\n", stderr);
            goto out;
        }
        lc_diags_print(&d, stderr);
        goto judged;
    }
    rc = lc_portfolio_load_threads(pol, o->portfolio, o->pfmt, o->wo.threads, &pf, &d);
    if (rc != LC_OK) {
        code = cli_fail(rc, &d);
        if (cli_has_code(&d, LC_SEV_NOTE, LC_DIAG_SYNTAX))
            fputs("levcal: note: --portfolio-format yaml reads the portfolio as YAML\n", stderr);
        goto out;
    }
    lc_diags_print(&d, stderr); /* warnings */
    lc_diags_free(&d);
    /* Evaluation cannot fail on valid input, so streaming the report keeps the promise
     * of an empty stdout on error while never holding a million position results. */
    rc = lc_evaluate_write_with(pol, pf, o->fmt, stdout, &o->wo, &sum, &d);
    if (rc == LC_EIO) {
        code = cli_write_failed();
        goto out;
    }
    if (rc != LC_OK) {
        code = cli_fail(rc, &d);
        goto out;
    }
judged:
    code = LC_EXIT_OK;
    size_t at_or_above = 0;
    for (size_t s = (size_t)o->fail_at; s < LC_N_VERDICTS; s++)
        at_or_above += sum.by_status[s];
    if (o->fail_on && at_or_above) {
        fprintf(stderr, "levcal: %zu account%s at or above %s (--fail-on)\n", at_or_above,
                at_or_above == 1 ? " is" : "s are", lc_verdict_name(o->fail_at));
        code = LC_EXIT_FAIL_ON;
    }
    if (sum.script_errors) {
        /* The message holds an account id and script text: no control byte to the tty. */
        for (char *q = sum.first_script_error; *q; q++)
            if ((unsigned char)*q < 0x20 || *q == 0x7f)
                *q = '?';
        fprintf(stderr, "levcal: %s: a policy script failed on %zu account%s; they are held "
                        "at 1x (see script_error in the report). First: %s\n",
                o->allow_script_errors ? "warning" : "error", sum.script_errors,
                sum.script_errors == 1 ? "" : "s", sum.first_script_error);
        if (!o->allow_script_errors)
            code = LC_EXIT_SCRIPT; /* the more basic failure: the verdicts are not all there */
    }
out:
    lc_portfolio_free(pf);
    lc_policy_free(pol);
    lc_diags_free(&d);
    return code;
}

int cli_cmd_eval(int argc, char **argv)
{
    eval_opts o = {NULL, NULL, LC_INPUT_AUTO, false, false, NULL, LC_FORMAT_JSON,
                   LC_CALIBRATION_INIT, LC_WRITE_OPTIONS_INIT, false, false,
                   LC_VERDICT_LIQUIDATE, false, NULL};
    /* Repeatable options: never more than there are arguments. */
    const char **histories = calloc((size_t)argc + 1, sizeof(*histories));
    const char **accounts = calloc((size_t)argc + 1, sizeof(*accounts));
    int code;
    if (!histories || !accounts) {
        fputs("levcal: error: out of memory\n", stderr);
        code = LC_EXIT_INTERNAL;
    } else {
        code = eval_args(argc, argv, &o, histories, accounts);
        if (code < 0)
            code = eval_run(&o);
    }
    free(histories);
    free(accounts);
    return code;
}

/* ==== levcal check ====================================================== */

void cli_json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void check_json(FILE *out, const lc_diags *d, bool *first)
{
    static const char *const sev[] = {"error", "warning", "note"};
    for (const lc_diag *r = d->head; r; r = r->next) {
        fputs(*first ? "\n" : ",\n", out);
        *first = false;
        fputs("{\"file\":", out);
        cli_json_str(out, r->file);
        fprintf(out, ",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"code\":\"%s\",\"message\":",
                r->line, r->col, sev[r->severity], lc_diag_code_name(r->code));
        cli_json_str(out, r->msg);
        fputc('}', out);
    }
}

enum { K_FORMAT, K_HELP };

int cli_cmd_check(int argc, char **argv)
{
    static const cli_opt opts[] = {[K_FORMAT] = {"format", 0, true}, [K_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal check";
    cli_args a = {cmd, opts, 2, argc, argv, 1, false, NULL, NULL};
    bool json = false;
    int id;
    const char **files = calloc((size_t)argc + 1, sizeof(*files));
    size_t n = 0;
    if (!files) {
        fputs("levcal: error: out of memory\n", stderr);
        return LC_EXIT_INTERNAL;
    }
    while ((id = cli_next(&a)) != CLI_END) {
        if (id == CLI_FAIL) {
            free(files);
            return LC_EXIT_USAGE;
        }
        if (id == CLI_ARG) {
            files[n++] = a.value;
        } else if (id == K_FORMAT) {
            if (strcmp(a.value, "json") != 0 && strcmp(a.value, "text") != 0) {
                free(files);
                return cli_usage_error(cmd, "unknown format '%s'; expected text or json", a.value);
            }
            json = strcmp(a.value, "json") == 0;
        } else {
            fputs(check_usage, stdout);
            free(files);
            return LC_EXIT_OK;
        }
    }
    if (n == 0) {
        free(files);
        return cli_usage_error(cmd, "give one or more policy files");
    }
    size_t from_stdin = 0;
    for (size_t i = 0; i < n; i++)
        from_stdin += strcmp(files[i], "-") == 0;
    if (from_stdin > 1) {
        free(files);
        return cli_usage_error(cmd, "standard input ('-') can be read only once");
    }
    int code = LC_EXIT_OK;
    bool first = true;
    if (json)
        fputs("{\"findings\":[", stdout);
    for (size_t i = 0; i < n; i++) {
        lc_diags d;
        lc_diags_init(&d);
        lc_policy *pol = NULL;
        lc_status rc = lc_policy_load(files[i], &pol, &d);
        if (rc == LC_OK)
            rc = lc_policy_check_files(pol, &d);
        int c = rc == LC_OK ? LC_EXIT_OK
                : rc == LC_ENOMEM ? LC_EXIT_INTERNAL
                : rc == LC_EINPUT || rc == LC_EIO ? LC_EXIT_INPUT
                                                   : LC_EXIT_INTERNAL;
        if (json)
            check_json(stdout, &d, &first);
        else
            lc_diags_print(&d, stderr);
        if (rc == LC_ENOMEM)
            fputs("levcal: error: out of memory\n", stderr);
        if (c == LC_EXIT_INTERNAL || (c != LC_EXIT_OK && code == LC_EXIT_OK))
            code = c;
        lc_policy_free(pol);
        lc_diags_free(&d);
    }
    if (json)
        fprintf(stdout, "%s]}\n", first ? "" : "\n");
    free(files);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_write_failed();
    return code;
}
