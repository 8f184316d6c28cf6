/*
 * main.c - the `levcal` command: subcommand dispatch, help and version.
 *
 * The command uses the public API only, like any embedder. Exit codes: 0 done, 1 an
 * internal failure (out of memory, output could not be written), 2 bad usage or input.
 */

#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage_text[] =
    "usage: levcal [--help] [--version] <command> [<args>]\n"
    "\n"
    "Evaluates tiered leverage and margin policies against portfolios.\n"
    "\n"
    "commands:\n"
    "  eval      evaluate a portfolio under a policy and print the report\n"
    "  check     validate a policy file and exit\n"
    "  vol       fit a volatility model to a price history and forecast\n"
    "  plugins   list the volatility-model plugins found, with their parameters\n"
    "  adl       rank positions for auto-deleveraging, per market and side\n"
    "  lint      report every problem of policy files, with rule ids\n"
    "  fmt       write policies in their canonical form (comments kept)\n"
    "  digest    print a policy's digest (sha256 of its canonical content)\n"
    "  approve   add an approval of the current digest to a policy\n"
    "  keygen    write an Ed25519 key pair for signing policies\n"
    "  sign      sign a policy's digest (writes POLICY.sig)\n"
    "  verify    check a policy's signature against a public key\n"
    "  test      run policy tests (*_test.yaml): expected report fields per case\n"
    "  explain   show how every figure of one account came out, formula by formula\n"
    "  diff      what changed between two policies, and whom it hits (text, JSON, HTML)\n"
    "  backtest  test a volatility model's one-day forecasts on history (Kupiec, Christoffersen)\n"
    "  calibrate derive a market's tiers from a volatility forecast and its liquidity\n"
    "  stress    shock the marks and run the liquidation cascade, round by round\n"
    "  import    turn a venue's published tier data (Binance, Bybit, OKX, ...) into a policy\n"
    "  summary   add up the summary lines of NDJSON reports of one book's shards\n"
    "\n"
    "Run 'levcal <command> --help' for a command's options.\n"
    "\n"
    "exit status:\n"
    "  0  done\n"
    "  1  internal error (out of memory, output not writable)\n"
    "  2  bad usage or invalid input (nothing is written to standard output)\n"
    "  1  levcal lint: an error (or a warning with --strict); levcal fmt --check: a file\n"
    "     is not canonical; levcal test: a case failed; levcal diff --exit-code: they\n"
    "     differ\n"
    "  3  levcal vol, backtest, calibrate: the model failed (the output says why)\n"
    "  4  levcal eval: a policy script failed on an account (the report is written)\n"
    "  5  levcal eval --fail-on: an account is at or above that status\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return LC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (strcmp(cmd, "help") == 0 && argc > 2) {
            static char help_flag[] = "--help";
            char *sub[] = {argv[2], help_flag, NULL};
            return cli_dispatch(2, sub);
        }
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("levcal %s\n", lc_version());
        return 0;
    }
    return cli_dispatch(argc - 1, argv + 1);
}

int cli_dispatch(int argc, char **argv)
{
    if (strcmp(argv[0], "eval") == 0)
        return cli_cmd_eval(argc, argv);
    if (strcmp(argv[0], "check") == 0)
        return cli_cmd_check(argc, argv);
    if (strcmp(argv[0], "vol") == 0)
        return cli_cmd_vol(argc, argv);
    if (strcmp(argv[0], "plugins") == 0)
        return cli_cmd_plugins(argc, argv);
    if (strcmp(argv[0], "adl") == 0)
        return cli_cmd_adl(argc, argv);
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } gov[] = {{"lint", cli_cmd_lint},     {"fmt", cli_cmd_fmt},       {"digest", cli_cmd_digest},
               {"approve", cli_cmd_approve}, {"keygen", cli_cmd_keygen}, {"sign", cli_cmd_sign},
               {"verify", cli_cmd_verify}, {"test", cli_cmd_test},
               {"explain", cli_cmd_explain}, {"diff", cli_cmd_diff},
               {"backtest", cli_cmd_backtest}, {"calibrate", cli_cmd_calibrate},
               {"stress", cli_cmd_stress}, {"import", cli_cmd_import},
               {"summary", cli_cmd_summary}};
    for (size_t i = 0; i < sizeof gov / sizeof gov[0]; i++)
        if (strcmp(argv[0], gov[i].name) == 0)
            return gov[i].fn(argc, argv);
    static const char *const commands[] = {"eval", "check",  "vol",    "plugins", "adl",
                                           "lint", "fmt",    "digest", "approve", "keygen",
                                           "sign", "verify", "test", "explain", "diff", "backtest", "calibrate", "stress", "import", "summary", "help"};
    const char *hint = lc_suggest(argv[0], commands, sizeof commands / sizeof commands[0]);
    if (hint)
        fprintf(stderr, "levcal: unknown command '%s' (did you mean '%s'?)\n", argv[0], hint);
    else
        fprintf(stderr, "levcal: unknown command '%s'\n", argv[0]);
    fputs("see 'levcal --help'\n", stderr);
    return LC_EXIT_USAGE;
}
