/*
 * cmd_test.c - `levcal test`: a policy's tests, run like `opa test`.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
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
