/*
 * diag.c - diagnostic records: creation, printing, and the status names.
 *
 * Loaders never print; they append lc_diag records located by file, line and column, and
 * keep going so that one run reports every problem of a file.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <stdio.h>
#include <string.h>

const char *lc_strerror(lc_status rc)
{
    switch (rc) {
    case LC_OK:
        return "success";
    case LC_ENOMEM:
        return "out of memory";
    case LC_EIO:
        return "input/output error";
    case LC_EINPUT:
        return "invalid input";
    case LC_EINVAL:
        return "invalid argument";
    }
    return "unknown status";
}

const char *lc_version(void)
{
    return LC_VERSION_STRING;
}

void lc_diags_init(lc_diags *d)
{
    memset(d, 0, sizeof(*d));
}

const char *lc_diag_code_name(lc_diag_code code)
{
    static const char *const names[] = {"other",   "file",     "limit",     "syntax",
                                        "unknown_key", "missing", "duplicate", "type",
                                        "value",   "reference", "overflow", "history",
                                        "plugin",  "script",   "model",     "ignored",
                                        "request", "gap",      "lint",      "trust"};
    return (size_t)code < LC_ARRAY_LEN(names) ? names[code] : "other";
}

void lc_diags_free(lc_diags *d)
{
    if (!d)
        return;
    lc_diag *r = d->head;
    while (r) {
        lc_diag *next = r->next;
        lc__free(r->file);
        lc__free(r->msg);
        lc__free(r);
        r = next;
    }
    lc_diags_init(d);
}

lc_status lc__diag_vadd(lc_diags *d, lc_severity sev, lc_diag_code code, const char *file,
                        unsigned line, unsigned col, const char *fmt, va_list ap)
{
    if (!d)
        return LC_OK;
    if (sev == LC_SEV_ERROR)
        d->n_errors++;
    else if (sev == LC_SEV_WARNING)
        d->n_warnings++;

    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;

    lc_diag *r = lc__calloc(1, sizeof(*r));
    if (!r)
        return LC_ENOMEM;
    r->msg = lc__malloc((size_t)n + 1);
    r->file = file ? lc__strdup(file) : NULL;
    if (!r->msg || (file && !r->file)) {
        lc__free(r->msg);
        lc__free(r->file);
        lc__free(r);
        return LC_ENOMEM;
    }
    vsnprintf(r->msg, (size_t)n + 1, fmt, ap);
    r->severity = sev;
    r->code = code;
    r->line = line;
    r->col = col;
    if (d->tail)
        d->tail->next = r;
    else
        d->head = r;
    d->tail = r;
    return LC_OK;
}

lc_status lc__diag_add(lc_diags *d, lc_severity sev, lc_diag_code code, const char *file,
                       unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lc_status rc = lc__diag_vadd(d, sev, code, file, line, col, fmt, ap);
    va_end(ap);
    return rc;
}

static const char *sev_name(lc_severity s)
{
    switch (s) {
    case LC_SEV_ERROR:
        return "error";
    case LC_SEV_WARNING:
        return "warning";
    case LC_SEV_NOTE:
        return "note";
    }
    return "error";
}

void lc__escape_ctl(char *s, size_t cap)
{
    /* Worst case every byte becomes four: work from a copy. */
    size_t len = strlen(s);
    char tmp[1024];
    if (len >= sizeof tmp)
        len = sizeof tmp - 1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)tmp[i];
        if (c < 0x20 || c == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            s[o++] = '\\';
            s[o++] = 'x';
            s[o++] = hex[c >> 4];
            s[o++] = hex[c & 15];
        } else {
            s[o++] = (char)c;
        }
    }
    s[o] = '\0';
}

/* Prints "s" with control bytes as \xNN: a file name or message holding ESC or a newline
 * must not retitle the terminal or forge a line of output. */
static void put_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
}

unsigned lc_diags_print(const lc_diags *d, FILE *out)
{
    unsigned n = 0;
    for (const lc_diag *r = d ? d->head : NULL; r; r = r->next, n++) {
        if (r->file) {
            put_escaped(out, r->file);
            if (r->line && r->col)
                fprintf(out, ":%u:%u", r->line, r->col);
            else if (r->line) /* Lua reports lines only */
                fprintf(out, ":%u", r->line);
        } else {
            fputs("levcal", out);
        }
        fprintf(out, ": %s: ", sev_name(r->severity));
        put_escaped(out, r->msg);
        if (r->rule)
            fprintf(out, " [%s]", r->rule);
        fputc('\n', out);
    }
    return n;
}
