/*
 * cmd_import.c - levcal import: a venue's saved API responses to a policy.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char import_usage[] =
    "usage: levcal import VENUE FILE... [--market M]... [--id ID] [--owner NAME]\n"
    "                     [--contract-size X] [-o FILE]\n"
    "\n"
    "Converts the JSON a venue's public API returns, as saved by curl, into a policy that\n"
    "loads and lints clean; the venue, the endpoint and each file's sha256 go in its\n"
    "description. The policy goes to standard output, or to FILE with -o.\n"
    "\n"
    "  binance FILE              GET /fapi/v1/leverageBracket: notional tiers (cum checked)\n"
    "  bybit FILE                GET /v5/market/risk-limit: notional tiers (mmDeduction checked)\n"
    "  okx TIERS [INSTRUMENTS]   GET /api/v5/public/position-tiers, contract values from\n"
    "                            /api/v5/public/instruments or --contract-size: quantity tiers\n"
    "  hyperliquid META          POST /info {\"type\":\"meta\"}: notional tiers, mmr 1/(2 x lev)\n"
    "  dydx TIERS [PERPETUALS]   liquidity tiers: the open_interest margin scheme\n"
    "\n"
    "  --market M         import only market M (repeatable); default every one\n"
    "  --id ID            the policy's id (default: the venue's name)\n"
    "  --owner NAME       the policy's owner (default: unassigned)\n"
    "  --contract-size X  okx: base units per contract, without the instruments file\n"
    "  -o, --out FILE     write the policy to FILE (atomically) instead of standard output\n"
    "\n"
    "Exit status: 0 written; 2 a file is unreadable or malformed (file:line:col), or bad usage.\n";

enum { I_MARKET, I_ID, I_OWNER, I_CT, I_OUT, I_HELP };

int cli_cmd_import(int argc, char **argv)
{
    static const cli_opt opts[] = {[I_MARKET] = {"market", 0, true}, [I_ID] = {"id", 0, true},
                                   [I_OWNER] = {"owner", 0, true},
                                   [I_CT] = {"contract-size", 0, true},
                                   [I_OUT] = {"out", 'o', true}, [I_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal import";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **files = calloc((size_t)argc, sizeof(*files));
    const char **markets = calloc((size_t)argc, sizeof(*markets));
    if (!files || !markets) {
        free(files);
        free(markets);
        fprintf(stderr, "%s: out of memory\n", cmd);
        return LC_EXIT_INTERNAL;
    }
    lc_import_opts o = {NULL, files, 0, markets, 0, NULL, NULL, (double)NAN};
    const char *out = NULL;
    int code = -1, id;
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
            code = LC_EXIT_USAGE;
            break;
        case I_HELP:
            fputs(import_usage, stdout);
            code = LC_EXIT_OK;
            break;
        case CLI_ARG:
            if (!o.venue)
                o.venue = a.value;
            else
                files[o.n_files++] = a.value;
            break;
        case I_MARKET:
            markets[o.n_markets++] = a.value;
            break;
        case I_ID:
            o.id = a.value;
            break;
        case I_OWNER:
            o.owner = a.value;
            break;
        case I_OUT:
            out = a.value;
            break;
        case I_CT: {
            char *end;
            o.contract_size = strtod(a.value, &end);
            if (*end || end == a.value || !(o.contract_size > 0) || !isfinite(o.contract_size))
                code = cli_usage_error(cmd, "expected --contract-size above 0, got '%s'", a.value);
            break;
        }
        }
    }
    if (code < 0 && !o.venue)
        code = cli_usage_error(cmd, "expected a venue: binance, bybit, okx, hyperliquid or dydx");
    if (code < 0) {
        bool known = false;
        for (size_t i = 0; lc_import_venue(i); i++)
            known = known || strcmp(lc_import_venue(i), o.venue) == 0;
        if (!known) {
            const char *names[8];
            size_t n = 0;
            while (n < 8 && (names[n] = lc_import_venue(n)))
                n++;
            const char *hint = lc_suggest(o.venue, names, n);
            code = hint ? cli_usage_error(cmd, "unknown venue '%s' (did you mean '%s'?)", o.venue, hint)
                        : cli_usage_error(cmd, "unknown venue '%s'; expected binance, bybit, "
                                               "okx, hyperliquid or dydx", o.venue);
        }
    }
    if (code < 0 && !o.n_files)
        code = cli_usage_error(cmd, "expected the %s file(s) to import", o.venue);
    if (code < 0) {
        lc_diags d;
        lc_diags_init(&d);
        char *text = NULL;
        size_t len = 0;
        lc_status rc = lc_import(&o, &text, &len, &d);
        if (rc != LC_OK) {
            code = cli_fail(rc, &d);
        } else {
            lc_diags_print(&d, stderr);
            if (out)
                code = cli_write_in_place(out, text, len) ? LC_EXIT_OK : LC_EXIT_INTERNAL;
            else
                code = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0
                           ? LC_EXIT_OK : cli_write_failed();
        }
        lc_free(text);
        lc_diags_free(&d);
    }
    free(files);
    free(markets);
    return code;
}
