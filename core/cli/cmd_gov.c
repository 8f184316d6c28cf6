/*
 * cmd_gov.c - the governance commands: lint, fmt, digest, approve, keygen, sign, verify,
 * and the trust checks `eval` makes before it evaluates anything.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ==== Files ============================================================= */

/* Reads "path" ("-": standard input) whole; prints why not and returns false. */
static bool read_all(const char *path, char **pbuf, size_t *plen)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: error: cannot open: %s\n", path, strerror(errno));
        return false;
    }
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        if (len + 4096 > cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    bool err = ferror(f) != 0;
    if (f != stdin)
        fclose(f);
    if (!buf || err) {
        fprintf(stderr, "%s: error: cannot read%s\n", path, buf ? "" : " (out of memory)");
        free(buf);
        return false;
    }
    buf[len] = '\0';
    *pbuf = buf;
    *plen = len;
    return true;
}

bool cli_replace_open(cli_replace *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    r->path = path;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device, a pipe: written to as it stands, a rename would replace it. */
        r->f = fopen(path, "wb");
    } else {
        char *real = realpath(path, NULL); /* NULL for a new file: made where named */
        const char *target = real ? real : path;
        size_t n = strlen(target) + 32;
        r->target = real ? real : strdup(path);
        r->tmp = malloc(n);
        if (r->target && r->tmp) {
            snprintf(r->tmp, n, "%s.levcal-%ld", target, (long)getpid());
            r->mode = stat(target, &st) == 0 ? (st.st_mode & 07777) : 0644;
            r->f = fopen(r->tmp, "wb");
        }
    }
    if (!r->f) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
        free(r->tmp);
        free(r->target);
        r->tmp = r->target = NULL;
        return false;
    }
    return true;
}

bool cli_replace_commit(cli_replace *r, bool ok)
{
    if (r->tmp)
        ok = fflush(r->f) == 0 && fsync(fileno(r->f)) == 0 && ok;
    ok = fclose(r->f) == 0 && ok;
    if (r->tmp) {
        ok = ok && chmod(r->tmp, r->mode) == 0 && rename(r->tmp, r->target) == 0;
        if (!ok)
            unlink(r->tmp);
    }
    int err = errno;
    free(r->tmp);
    free(r->target);
    r->f = NULL;
    r->tmp = r->target = NULL;
    errno = err;
    return ok;
}

bool cli_write_in_place(const char *path, const char *text, size_t len)
{
    cli_replace r;
    if (!cli_replace_open(&r, path))
        return false;
    bool wrote = fwrite(text, 1, len, r.f) == len;
    if (!cli_replace_commit(&r, wrote)) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

static int help_or_usage(cli_args *a, int id, const char *usage)
{
    if (id == CLI_FAIL)
        return LC_EXIT_USAGE;
    fputs(usage, stdout);
    (void)a;
    return LC_EXIT_OK;
}

/* ==== levcal lint ======================================================= */

static const char lint_usage[] =
    "usage: levcal lint [--format text|json] [--strict] [--disable RULE]... POLICY...\n"
    "\n"
    "Reports every problem of every policy file at once, as file:line:col: severity:\n"
    "message [rule], sorted by file and position: the loader's errors (rule 'load') and\n"
    "the rules of docs/lint.md (leverage-cliff, mmr-jump, thin-buffer,\n"
    "explicit-maintenance-amount, no-volatility-cap, unused-model, script-may-loosen,\n"
    "missing-metadata, stale-approval, unreachable-target). A policy's 'lint: {disable:\n"
    "[RULE...]}' turns rules off for that file.\n"
    "\n"
    "options:\n"
    "      --format FMT     text (default) or json (an array of {file, line, column,\n"
    "                       severity, rule, message})\n"
    "      --strict         a warning fails too (exit 1)\n"
    "      --disable RULE   turn a rule off (repeatable; a comma-separated list works too)\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 no error, 1 an error (or a warning with --strict), 2 a file cannot be\n"
    "read or bad usage\n";

enum { L_FORMAT, L_STRICT, L_DISABLE, L_HELP };

static bool known_rule(const char *r)
{
    for (size_t i = 0; lc_lint_rule(i); i++)
        if (strcmp(lc_lint_rule(i), r) == 0)
            return true;
    return false;
}

int cli_cmd_lint(int argc, char **argv)
{
    static const cli_opt opts[] = {[L_FORMAT] = {"format", 0, true},
                                   [L_STRICT] = {"strict", 0, false},
                                   [L_DISABLE] = {"disable", 0, true},
                                   [L_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal lint";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **files = calloc((size_t)argc + 1, sizeof(*files));
    char **off = calloc((size_t)argc * 16 + 1, sizeof(*off));
    size_t n_files = 0, n_off = 0;
    bool json = false, strict = false;
    int code = -1, id;
    if (!files || !off) {
        fputs("levcal: error: out of memory\n", stderr);
        code = LC_EXIT_INTERNAL;
    }
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
        case L_HELP:
            code = help_or_usage(&a, id, lint_usage);
            break;
        case CLI_ARG:
            files[n_files++] = a.value;
            break;
        case L_FORMAT:
            if (strcmp(a.value, "json") == 0 || strcmp(a.value, "text") == 0)
                json = strcmp(a.value, "json") == 0;
            else
                code = cli_usage_error(cmd, "unknown format '%s'; expected text or json", a.value);
            break;
        case L_STRICT:
            strict = true;
            break;
        case L_DISABLE: {
            /* A list: "--disable a,b" is "--disable a --disable b". */
            const char *s = a.value;
            while (code < 0 && *s && n_off < (size_t)argc * 16) {
                size_t len = strcspn(s, ",");
                char *r = strndup(s, len);
                if (!r) {
                    code = LC_EXIT_INTERNAL;
                    break;
                }
                off[n_off++] = r;
                if (!known_rule(r)) {
                    const char *names[32];
                    size_t n = 0;
                    while (n < 32 && lc_lint_rule(n)) {
                        names[n] = lc_lint_rule(n);
                        n++;
                    }
                    const char *hint = lc_suggest(r, names, n);
                    if (hint)
                        code = cli_usage_error(cmd, "unknown rule '%s' (did you mean '%s'?)", r, hint);
                    else
                        code = cli_usage_error(cmd, "unknown rule '%s'", r);
                }
                s += len;
                if (*s == ',')
                    s++;
            }
            break;
        }
        }
    }
    if (code < 0 && n_files == 0)
        code = cli_usage_error(cmd, "expected one or more policy files");
    if (code < 0) {
        lc_diags d;
        lc_diags_init(&d);
        lc_status rc = lc_lint(files, n_files, (const char *const *)off, n_off, &d);
        if (rc == LC_ENOMEM) {
            code = cli_fail(rc, &d);
        } else {
            bool error = false, warning = false;
            for (const lc_diag *r = d.head; r; r = r->next) {
                error = error || r->severity == LC_SEV_ERROR;
                warning = warning || r->severity == LC_SEV_WARNING;
            }
            if (json) {
                static const char *const sev[] = {"error", "warning", "note"};
                fputc('[', stdout);
                for (const lc_diag *r = d.head; r; r = r->next) {
                    fputs(r == d.head ? "\n{\"file\":" : ",\n{\"file\":", stdout);
                    cli_json_str(stdout, r->file);
                    printf(",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"rule\":", r->line,
                           r->col, sev[r->severity]);
                    cli_json_str(stdout, r->rule ? r->rule : "load");
                    fputs(",\"message\":", stdout);
                    cli_json_str(stdout, r->msg);
                    fputc('}', stdout);
                }
                fputs(d.head ? "\n]\n" : "]\n", stdout);
            } else {
                lc_diags_print(&d, stdout);
            }
            if (fflush(stdout) != 0)
                code = cli_write_failed();
            else if (rc == LC_EIO)
                code = LC_EXIT_INPUT;
            else
                code = error || (strict && warning) ? 1 : LC_EXIT_OK;
        }
        lc_diags_free(&d);
    }
    for (size_t i = 0; off && i < n_off; i++)
        free(off[i]);
    free(off);
    free(files);
    return code;
}

/* ==== levcal fmt ======================================================== */

static const char fmt_usage[] =
    "usage: levcal fmt [-w | --check] POLICY...\n"
    "\n"
    "Writes each policy in its canonical form: top-level keys and each section's keys in\n"
    "the order of docs/policy-format.md, one tier per line in flow style, two-space\n"
    "indents, numbers in their shortest round-trip spelling, comments kept. The form never\n"
    "changes the digest, and formatting it again changes nothing. A file that does not\n"
    "load is refused and nothing is written.\n"
    "\n"
    "options:\n"
    "  -w, --write          rewrite the files in place (atomically) instead of printing\n"
    "      --check          print the name of each file that is not canonical; exit 1 if any\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 done (with --check: all canonical), 1 --check found one not canonical,\n"
    "2 a file cannot be read or does not load, or bad usage\n";

enum { F_WRITE, F_CHECK, F_HELP };

int cli_cmd_fmt(int argc, char **argv)
{
    static const cli_opt opts[] = {[F_WRITE] = {"write", 'w', false},
                                   [F_CHECK] = {"check", 0, false},
                                   [F_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal fmt";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char **files = calloc((size_t)argc + 1, sizeof(*files));
    char **out = calloc((size_t)argc + 1, sizeof(*out));
    size_t *out_len = calloc((size_t)argc + 1, sizeof(*out_len));
    char **in = calloc((size_t)argc + 1, sizeof(*in));
    size_t *in_len = calloc((size_t)argc + 1, sizeof(*in_len));
    size_t n = 0;
    bool write = false, check = false;
    int code = -1, id;
    if (!files || !out || !out_len || !in || !in_len) {
        fputs("levcal: error: out of memory\n", stderr);
        code = LC_EXIT_INTERNAL;
    }
    while (code < 0 && (id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
        case F_HELP:
            code = help_or_usage(&a, id, fmt_usage);
            break;
        case CLI_ARG:
            files[n++] = a.value;
            break;
        case F_WRITE:
            write = true;
            break;
        case F_CHECK:
            check = true;
            break;
        }
    }
    if (code < 0 && n == 0)
        code = cli_usage_error(cmd, "expected one or more policy files");
    if (code < 0 && write && check)
        code = cli_usage_error(cmd, "-w and --check do not go together");
    for (size_t i = 0; code < 0 && i < n; i++)
        if (write && strcmp(files[i], "-") == 0)
            code = cli_usage_error(cmd, "-w cannot rewrite standard input");
    /* Everything is formatted before anything is written: one bad file writes nothing. */
    bool bad = false;
    for (size_t i = 0; code < 0 && i < n; i++) {
        if (!read_all(files[i], &in[i], &in_len[i])) {
            bad = true;
            continue;
        }
        lc_diags d;
        lc_diags_init(&d);
        lc_status rc = lc_policy_format(files[i], in[i], in_len[i], &out[i], &out_len[i], &d);
        if (rc == LC_ENOMEM)
            code = cli_fail(rc, &d);
        else if (rc)
            bad = true;
        lc_diags_print(&d, stderr);
        lc_diags_free(&d);
    }
    if (code < 0 && bad) {
        fputs("levcal fmt: nothing written: a policy must load before it is formatted\n", stderr);
        code = LC_EXIT_INPUT;
    }
    if (code < 0) {
        code = LC_EXIT_OK;
        for (size_t i = 0; i < n; i++) {
            bool same = out_len[i] == in_len[i] && memcmp(out[i], in[i], in_len[i]) == 0;
            if (check && !same) {
                printf("%s\n", files[i]);
                code = 1;
            } else if (write && !same) {
                if (!cli_write_in_place(files[i], out[i], out_len[i]))
                    code = LC_EXIT_INTERNAL;
            } else if (!check && !write) {
                fwrite(out[i], 1, out_len[i], stdout);
            }
        }
        if (fflush(stdout) != 0)
            code = cli_write_failed();
    }
    for (size_t i = 0; i < n && in; i++) {
        free(in[i]);
        lc_free(out[i]);
    }
    free(files);
    free(out);
    free(out_len);
    free(in);
    free(in_len);
    return code;
}

/* ==== levcal digest ===================================================== */

static const char digest_usage[] =
    "usage: levcal digest [--canonical] POLICY\n"
    "\n"
    "Prints the policy's digest, sha256:<64 hex digits>: SHA-256 over the RFC 8785 JSON of\n"
    "its content without policy.approvals and maintenance_amount, with \"$files\" giving the\n"
    "SHA-256 of each script and plugin it names by path (docs/governance.md). Key order,\n"
    "layout, comments and number spelling do not change it; every value does.\n"
    "\n"
    "options:\n"
    "      --canonical      print the canonical JSON that is hashed instead\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 printed, 2 the policy cannot be read or does not load, or bad usage\n";

enum { D_CANONICAL, D_HELP };

/* Loads the one policy a command names; prints why not. */
static int load_one(const char *cmd, const char *file, lc_policy **pp)
{
    if (!file)
        return cli_usage_error(cmd, "expected a policy file");
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_policy_load(file, pp, &d);
    int code = rc ? cli_fail(rc, &d) : -1;
    if (!rc)
        lc_diags_print(&d, stderr);
    lc_diags_free(&d);
    return code;
}

int cli_cmd_digest(int argc, char **argv)
{
    static const cli_opt opts[] = {[D_CANONICAL] = {"canonical", 0, false},
                                   [D_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal digest";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char *file = NULL;
    bool canonical = false;
    int id;
    while ((id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
        case D_HELP:
            return help_or_usage(&a, id, digest_usage);
        case CLI_ARG:
            if (file)
                return cli_usage_error(cmd, "unexpected argument '%s' (one policy at a time)",
                                       a.value);
            file = a.value;
            break;
        case D_CANONICAL:
            canonical = true;
            break;
        }
    }
    lc_policy *p = NULL;
    int code = load_one(cmd, file, &p);
    if (code >= 0)
        return code;
    size_t len;
    const char *text = canonical ? lc_policy_canonical_json(p, &len) : lc_policy_digest(p);
    if (canonical) {
        fwrite(text, 1, len, stdout);
        fputc('\n', stdout);
    } else {
        printf("%s\n", text);
    }
    lc_policy_free(p);
    return fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
}

/* ==== levcal approve ==================================================== */

static const char approve_usage[] =
    "usage: levcal approve --by NAME [--at DATE] POLICY\n"
    "\n"
    "Appends {by: NAME, at: DATE, digest: <current digest>} to the policy's\n"
    "policy.approvals, rewriting the file in place (atomically) with its comments and\n"
    "layout kept. Approvals are not part of the digest, so approving changes nothing that\n"
    "is approved. 'levcal eval --require-approval' refuses a policy none of whose\n"
    "approvals names its current digest; 'levcal lint' warns of stale ones.\n"
    "\n"
    "options:\n"
    "      --by NAME        who approves (required)\n"
    "      --at DATE        when, YYYY-MM-DD (default: today, UTC)\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 approved (or already approved by NAME), 2 the policy does not load or\n"
    "cannot be written, or bad usage\n";

enum { P_BY, P_AT, P_HELP };

int cli_cmd_approve(int argc, char **argv)
{
    static const cli_opt opts[] = {[P_BY] = {"by", 0, true}, [P_AT] = {"at", 0, true},
                                   [P_HELP] = {"help", 'h', false}};
    const char *cmd = "levcal approve";
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char *file = NULL, *by = NULL, *at = NULL;
    int id;
    while ((id = cli_next(&a)) != CLI_END) {
        switch (id) {
        case CLI_FAIL:
        case P_HELP:
            return help_or_usage(&a, id, approve_usage);
        case CLI_ARG:
            if (file)
                return cli_usage_error(cmd, "unexpected argument '%s' (one policy at a time)",
                                       a.value);
            file = a.value;
            break;
        case P_BY:
            by = a.value;
            break;
        case P_AT:
            at = a.value;
            break;
        }
    }
    if (!by || !*by)
        return cli_usage_error(cmd, "expected --by NAME: who approves");
    if (!file)
        return cli_usage_error(cmd, "expected a policy file");
    if (strcmp(file, "-") == 0)
        return cli_usage_error(cmd, "cannot rewrite standard input; name the policy file");
    char today[16];
    if (!at) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
        at = today;
    }
    char *buf;
    size_t len;
    if (!read_all(file, &buf, &len))
        return LC_EXIT_INPUT;
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    lc_status rc = lc_policy_load_buffer(file, buf, len, &p, &d);
    int code;
    if (rc) {
        code = cli_fail(rc, &d);
        goto done;
    }
    const char *digest = lc_policy_digest(p);
    char *out = NULL;
    size_t out_len = 0;
    rc = lc_policy_approve(file, buf, len, by, at, &out, &out_len, &d);
    if (rc) {
        code = cli_fail(rc, &d);
        goto done;
    }
    lc_diags_print(&d, stderr);
    if (!cli_write_in_place(file, out, out_len)) {
        code = LC_EXIT_INPUT;
    } else {
        printf("%s: approved %s by %s at %s\n", file, digest, by, at);
        code = fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed();
    }
    lc_free(out);
done:
    lc_policy_free(p);
    lc_diags_free(&d);
    free(buf);
    return code;
}

/* ==== levcal keygen, sign, verify ======================================= */

static const char keygen_usage[] =
    "usage: levcal keygen --out KEY\n"
    "\n"
    "Writes a new Ed25519 key pair: KEY, the secret key (mode 0600; keep it off shared\n"
    "disks), and KEY.pub, the public key that 'levcal verify' and 'levcal eval\n"
    "--require-signature' take. Existing files are never overwritten.\n"
    "\n"
    "exit status: 0 written, 2 a file exists or cannot be written, or bad usage\n";

static const char sign_usage[] =
    "usage: levcal sign --key KEY POLICY\n"
    "\n"
    "Signs the policy's digest (levcal digest) with the secret key KEY and writes\n"
    "POLICY.sig: a small text file holding the format version, the digest, the public key\n"
    "and the Ed25519 signature over the digest string, in base64.\n"
    "\n"
    "exit status: 0 signed, 2 the policy does not load, the key is unreadable or readable\n"
    "by others, or bad usage\n";

static const char verify_usage[] =
    "usage: levcal verify --pubkey KEY.pub POLICY\n"
    "\n"
    "Checks POLICY.sig: made with KEY.pub's key, untampered, and over the policy's current\n"
    "digest, which covers every value of the policy and every byte of its scripts.\n"
    "\n"
    "exit status: 0 verified, 2 anything else (the message says what)\n";

enum { S_KEY, S_OUT, S_PUBKEY, S_HELP };

/* "POLICY.sig"; caller frees. */
static char *sig_path(const char *policy)
{
    size_t n = strlen(policy) + 5;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s.sig", policy);
    return s;
}

static int sign_or_verify(int argc, char **argv, int which)
{
    static const cli_opt opts[] = {[S_KEY] = {"key", 0, true}, [S_OUT] = {"out", 'o', true},
                                   [S_PUBKEY] = {"pubkey", 0, true},
                                   [S_HELP] = {"help", 'h', false}};
    static const char *const cmds[] = {"levcal keygen", "levcal sign", "levcal verify"};
    static const char *const usages[] = {keygen_usage, sign_usage, verify_usage};
    static const int wanted[] = {S_OUT, S_KEY, S_PUBKEY};
    const char *cmd = cmds[which];
    cli_args a = {cmd, opts, sizeof opts / sizeof opts[0], argc, argv, 1, false, NULL, NULL};
    const char *file = NULL, *key = NULL;
    int id;
    while ((id = cli_next(&a)) != CLI_END) {
        if (id == CLI_FAIL || id == S_HELP)
            return help_or_usage(&a, id, usages[which]);
        if (id == CLI_ARG) {
            if (file || which == 0)
                return cli_usage_error(cmd, "unexpected argument '%s'", a.value);
            file = a.value;
        } else if (id == wanted[which]) {
            key = a.value;
        } else {
            return cli_usage_error(cmd, "--%s is not an option of this command", opts[id].name);
        }
    }
    if (!key)
        return cli_usage_error(cmd, "expected --%s", opts[wanted[which]].name);
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc;
    if (which == 0) {
        rc = lc_keygen(key, &d);
        if (rc == LC_OK)
            printf("wrote %s (secret, mode 0600) and %s.pub\n", key, key);
    } else {
        if (file && strcmp(file, "-") == 0)
            return cli_usage_error(cmd, "the signature sits beside the policy; name the file");
        lc_policy *p = NULL;
        int code = load_one(cmd, file, &p);
        if (code >= 0)
            return code;
        char *sig = sig_path(file);
        rc = !sig ? LC_ENOMEM : which == 1 ? lc_sign(p, key, sig, &d) : lc_verify(p, key, sig, &d);
        if (rc == LC_OK)
            printf(which == 1 ? "%s: signed %s\n" : "%s: verified %s\n", sig, lc_policy_digest(p));
        free(sig);
        lc_policy_free(p);
    }
    int code = rc ? cli_fail(rc, &d) : (fflush(stdout) == 0 ? LC_EXIT_OK : cli_write_failed());
    lc_diags_free(&d);
    return code;
}

int cli_cmd_keygen(int argc, char **argv)
{
    return sign_or_verify(argc, argv, 0);
}

int cli_cmd_sign(int argc, char **argv)
{
    return sign_or_verify(argc, argv, 1);
}

int cli_cmd_verify(int argc, char **argv)
{
    return sign_or_verify(argc, argv, 2);
}

/* ==== eval's trust checks =============================================== */

int cli_trusted(const char *file, const lc_policy *p, bool approval, const char *pubkey)
{
    if (approval && !lc_policy_approved(p)) {
        fprintf(stderr,
                "%s: error: no approval names the policy's current digest %s; refused "
                "(--require-approval). Approve it with: levcal approve --by NAME %s\n",
                file, lc_policy_digest(p), file);
        return LC_EXIT_INPUT;
    }
    if (!pubkey)
        return -1;
    if (strcmp(file, "-") == 0) {
        fputs("levcal eval: --require-signature needs a policy file (its signature is FILE.sig)\n",
              stderr);
        return LC_EXIT_USAGE;
    }
    char *sig = sig_path(file);
    if (!sig)
        return LC_EXIT_INTERNAL;
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_verify(p, pubkey, sig, &d);
    int code = -1;
    if (rc) {
        code = cli_fail(rc, &d);
        fprintf(stderr, "levcal eval: policy refused (--require-signature %s)\n", pubkey);
    }
    lc_diags_free(&d);
    free(sig);
    return code;
}
