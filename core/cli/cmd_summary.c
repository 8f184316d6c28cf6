/*
 * cmd_summary.c - levcal summary: the totals of NDJSON reports of one book's shards.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char summary_usage[] =
    "usage: levcal summary [REPORT...]\n"
    "\n"
    "Adds up the summary lines of NDJSON reports (levcal eval --format ndjson), '-' or no\n"
    "REPORT reading standard input, and writes one summary line of the totals: a book\n"
    "evaluated in shards, by account, gives the summary of one run (docs/scaling.md). Every\n"
    "report must end with its summary line and all must have run the same policy digest.\n"
    "\n"
    "exit status: 0 merged, 1 internal error, 2 a report is unreadable, unfinished or of\n"
    "             another policy\n";

enum { S_HELP };

int cli_cmd_summary(int argc, char **argv)
{
    static const cli_opt opts[] = {[S_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal summary";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **files = calloc((size_t)argc + 1, sizeof(*files));
    if (!files) {
        fputs("levcal: error: out of memory\n", stderr);
        return LC_EXIT_INTERNAL;
    }
    size_t n = 0;
    int id, code = -1;
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        if (id == CLI_FAIL)
            code = LC_EXIT_USAGE;
        else if (id == S_HELP)
            code = (fputs(summary_usage, stdout), LC_EXIT_OK);
        else
            files[n++] = a.value;
    }
    if (code < 0) {
        if (!n)
            files[n++] = "-";
        lc_diags d;
        lc_diags_init(&d);
        lc_status rc = lc_summary_merge(files, n, stdout, NULL, &d);
        if (rc == LC_OK)
            code = fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
        else
            code = cli_fail(rc, &d);
        lc_diags_free(&d);
    }
    free(files);
    return code;
}
