/*
 * opts.c - the one option parser of every levcal command.
 *
 * Long options as --name VALUE or --name=VALUE, short ones as -x VALUE; "--" ends the
 * options; a lone "-" is an argument (standard input). A mistake gets one line naming it,
 * with a did-you-mean for a misspelt option, and a pointer to the command's help rather
 * than the whole usage text.
 */

#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nsee '%s --help'\n", cmd);
    return LC_EXIT_USAGE;
}

static int unknown(cli_args *a, const char *arg, size_t len)
{
    const char *names[64];
    char spelt[64][40];
    size_t n = 0;
    for (size_t i = 0; i < a->n_opts && n < 64; i++) {
        snprintf(spelt[n], sizeof spelt[n], "--%s", a->opts[i].name);
        names[n] = spelt[n];
        n++;
    }
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)(len < 100 ? len : 100), arg);
    const char *hint = lc_suggest(word, names, n);
    if (hint)
        cli_usage_error(a->cmd, "unknown option '%s' (did you mean '%s'?)", word, hint);
    else
        cli_usage_error(a->cmd, "unknown option '%s'", word);
    return CLI_FAIL;
}

int cli_next(cli_args *a)
{
    if (a->i >= a->argc)
        return CLI_END;
    char *arg = a->argv[a->i++];
    if (a->only_args || arg[0] != '-' || arg[1] == '\0') {
        a->value = arg;
        return CLI_ARG;
    }
    if (strcmp(arg, "--") == 0) {
        a->only_args = true;
        return cli_next(a);
    }
    const cli_opt *o = NULL;
    const char *inline_value = NULL;
    if (arg[1] == '-') {
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        for (size_t i = 0; i < a->n_opts && !o; i++)
            if (strlen(a->opts[i].name) == len && strncmp(a->opts[i].name, name, len) == 0)
                o = &a->opts[i];
        if (!o)
            return unknown(a, arg, (size_t)(2 + len));
        if (eq)
            inline_value = eq + 1;
    } else {
        for (size_t i = 0; i < a->n_opts && !o; i++)
            if (a->opts[i].short_name && a->opts[i].short_name == arg[1] && arg[2] == '\0')
                o = &a->opts[i];
        if (!o)
            return unknown(a, arg, strlen(arg));
    }
    a->opt = o;
    int id = (int)(o - a->opts);
    if (!o->value) {
        if (inline_value) {
            cli_usage_error(a->cmd, "option '--%s' takes no value", o->name);
            return CLI_FAIL;
        }
        a->value = NULL;
        return id;
    }
    if (inline_value) {
        a->value = inline_value;
        return id;
    }
    if (a->i >= a->argc) {
        cli_usage_error(a->cmd, "option '%s' needs a value", arg);
        return CLI_FAIL;
    }
    a->value = a->argv[a->i++];
    return id;
}

/* ==== Values several commands take ==================================== */

int cli_format(const char *cmd, const char *arg, lc_format *fmt)
{
    if (strcmp(arg, "json") == 0) {
        *fmt = LC_FORMAT_JSON;
        return 0;
    }
    if (strcmp(arg, "table") == 0) {
        *fmt = LC_FORMAT_TABLE;
        return 0;
    }
    cli_usage_error(cmd, "unknown format '%s'; expected json or table", arg);
    return -1;
}

int cli_input_format(const char *cmd, const char *arg, lc_input_format *fmt)
{
    if (strcmp(arg, "json") == 0) {
        *fmt = LC_INPUT_JSON;
        return 0;
    }
    if (strcmp(arg, "yaml") == 0) {
        *fmt = LC_INPUT_YAML;
        return 0;
    }
    cli_usage_error(cmd, "unknown portfolio format '%s'; expected json or yaml", arg);
    return -1;
}

int cli_need_policy_portfolio(const char *cmd, const char *policy, const char *portfolio)
{
    if (!policy || !portfolio)
        return cli_usage_error(cmd, "%s is required", !policy ? "--policy" : "--portfolio");
    if (strcmp(policy, "-") == 0 && strcmp(portfolio, "-") == 0)
        return cli_usage_error(cmd, "--policy and --portfolio cannot both read standard input");
    return -1;
}

int cli_fail(lc_status rc, lc_diags *d)
{
    lc_diags_print(d, stderr);
    if (rc == LC_ENOMEM) {
        fputs("levcal: error: out of memory\n", stderr);
        return LC_EXIT_INTERNAL;
    }
    return rc == LC_EINPUT || rc == LC_EIO ? LC_EXIT_INPUT : LC_EXIT_INTERNAL;
}

bool cli_has_code(const lc_diags *d, lc_severity sev, lc_diag_code code)
{
    for (const lc_diag *r = d->head; r; r = r->next)
        if (r->severity == sev && r->code == code)
            return true;
    return false;
}

int cli_write_failed(void)
{
    fputs("levcal: error: could not write to standard output\n", stderr);
    return LC_EXIT_INTERNAL;
}

int cli_finish(lc_status rc, lc_diags *d, const char *text, size_t len)
{
    if (rc != LC_OK)
        return cli_fail(rc, d);
    lc_diags_print(d, stderr);
    if (len && fwrite(text, 1, len, stdout) != len)
        return cli_write_failed();
    return fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
}
