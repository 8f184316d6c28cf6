/*
 * cli.h - the subcommands of the `levcal` command and what they share.
 */
#ifndef LC_CLI_H
#define LC_CLI_H

/* Included first by every file of the command: strict -std=c11 hides POSIX. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "levcal/levcal.h"

#define LC_EXIT_OK 0
#define LC_EXIT_INTERNAL 1
#define LC_EXIT_USAGE 2
#define LC_EXIT_INPUT 2
#define LC_EXIT_MODEL 3 /* levcal vol: the model failed */
#define LC_EXIT_SCRIPT 4 /* levcal eval: a policy script failed on an account */

#define LC_EXIT_FAIL_ON 5 /* levcal eval --fail-on: an account at or above the status */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* ==== Options (opts.c) ================================================== */

typedef struct cli_opt {
    const char *name; /* long name, without the dashes */
    char short_name;  /* or 0 */
    bool value;       /* takes a value */
} cli_opt;

typedef struct cli_args {
    const char *cmd;         /* "levcal eval", for messages */
    const cli_opt *opts;
    size_t n_opts;
    int argc;
    char **argv;
    int i;                   /* next index into argv; start at 1 */
    bool only_args;          /* after "--" */
    const cli_opt *opt;      /* the option just read */
    const char *value;       /* its value, or the argument just read */
} cli_args;

#define CLI_END (-1)  /* no more arguments */
#define CLI_ARG (-2)  /* an argument (value holds it) */
#define CLI_FAIL (-3) /* a usage error, already printed */

/* The next option (its index in opts, value set for options that take one), argument,
 * end, or failure. */
int cli_next(cli_args *a);

/* Whether "d" holds a record of severity "sev" and code "code". */
bool cli_has_code(const lc_diags *d, lc_severity sev, lc_diag_code code);

/* Prints "CMD: message" and "see 'CMD --help'"; returns LC_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cli_dispatch(int argc, char **argv);
int cli_cmd_eval(int argc, char **argv);
int cli_cmd_check(int argc, char **argv);
int cli_cmd_vol(int argc, char **argv);
int cli_cmd_plugins(int argc, char **argv);
int cli_cmd_adl(int argc, char **argv);
int cli_cmd_lint(int argc, char **argv);
int cli_cmd_fmt(int argc, char **argv);
int cli_cmd_digest(int argc, char **argv);
int cli_cmd_approve(int argc, char **argv);
int cli_cmd_keygen(int argc, char **argv);
int cli_cmd_sign(int argc, char **argv);
int cli_cmd_verify(int argc, char **argv);
int cli_cmd_test(int argc, char **argv);
int cli_cmd_explain(int argc, char **argv);
int cli_cmd_diff(int argc, char **argv);
int cli_cmd_backtest(int argc, char **argv);
int cli_cmd_calibrate(int argc, char **argv);
int cli_cmd_stress(int argc, char **argv);
int cli_cmd_import(int argc, char **argv);
int cli_cmd_summary(int argc, char **argv);

/* eval's --require-approval and --require-signature KEY.pub (NULL: not asked): -1 when
 * the policy passes, else the exit status (the reason printed). */
int cli_trusted(const char *file, const lc_policy *p, bool approval, const char *pubkey);

/* Writes "s" as a JSON string (NULL as ""). */
void cli_json_str(FILE *out, const char *s);

/* Parses a --format value; prints the error for "cmd" and returns -1 if unknown. */
int cli_format(const char *cmd, const char *arg, lc_format *fmt);

/* Parses a --portfolio-format value (json or yaml), like cli_format. */
int cli_input_format(const char *cmd, const char *arg, lc_input_format *fmt);

/* Checks that a command reading a policy and a portfolio got both, not both from standard
 * input: -1 when so, else the usage error's exit status (printed). */
int cli_need_policy_portfolio(const char *cmd, const char *policy, const char *portfolio);

/* A file being replaced: what is written to "f" takes the place of "path" at commit,
 * atomically (a temporary file beside it, fsync, rename), keeping an existing file's
 * mode. A symbolic link stays one: the file it names is replaced. What is not a regular
 * file (/dev/null, /dev/stdout, a FIFO) is written to as it stands: a rename would put a
 * regular file in its place. Open before producing anything, so that a path that cannot
 * be written fails first. */
typedef struct cli_replace {
    FILE *f;
    const char *path; /* as named, for messages */
    char *target;     /* the regular file to replace (links followed); NULL otherwise */
    char *tmp;        /* where "f" writes until the rename; NULL when written directly */
    mode_t mode;
} cli_replace;

/* Opens "r" for "path"; false with the reason printed. */
bool cli_replace_open(cli_replace *r, const char *path);
/* Puts what was written in place when "ok" (else drops it) and frees "r"; false when
 * that or the writing failed, with errno saying why. */
bool cli_replace_commit(cli_replace *r, bool ok);

/* "text" in place of "path", through cli_replace; false with the reason printed. */
bool cli_write_in_place(const char *path, const char *text, size_t len);

/* Says that standard output could not be written; returns LC_EXIT_INTERNAL. */
int cli_write_failed(void);

/* Prints the diagnostics, then maps "rc" to an exit status. */
int cli_fail(lc_status rc, lc_diags *d);

/* Ends a command that made its output in memory first, so that nothing reaches stdout
 * unless all of it can: on success the diagnostics (warnings, notes) on stderr and then
 * "text" on stdout; otherwise as cli_fail, with nothing on stdout. */
int cli_finish(lc_status rc, lc_diags *d, const char *text, size_t len);

#endif
