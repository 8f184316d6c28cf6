/*
 * cli.h - the subcommands of the `levcal` command and what they share.
 */
#ifndef LC_CLI_H
#define LC_CLI_H

#include "levcal/levcal.h"

#define LC_EXIT_OK 0
#define LC_EXIT_INTERNAL 1
#define LC_EXIT_USAGE 2
#define LC_EXIT_INPUT 2
#define LC_EXIT_MODEL 3 /* levcal vol: the model failed */
#define LC_EXIT_SCRIPT 4 /* levcal eval: a policy script failed on an account */

int lc_cli_dispatch(int argc, char **argv);
int lc_cmd_eval(int argc, char **argv);
int lc_cmd_check(int argc, char **argv);
int lc_cmd_vol(int argc, char **argv);
int lc_cmd_plugins(int argc, char **argv);

/* Parses a --format value; prints the error for "cmd" and returns -1 if unknown. */
int lc_cli_format(const char *cmd, const char *arg, lc_format *fmt);

/* Says that standard output could not be written; returns LC_EXIT_INTERNAL. */
int lc_cli_write_failed(void);

/* Prints the diagnostics, then maps "rc" to an exit status. */
int lc_cli_fail(lc_status rc, lc_diags *d);

#endif
