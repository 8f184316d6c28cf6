/*
 * tree.c - what the governance tools share: reading a policy's tree again, with its
 * positions, and finding keys in it.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "syntax/reader.h"

#include <stdio.h>
#include <string.h>

lc_status lc__gov_parse(const char *name, const char *buf, size_t len, lc__arena *a,
                        lc__node **proot, lc_diags *d)
{
    lc__reader *r = NULL;
    *proot = NULL;
    lc_status rc = lc__reader_open(&r, name, buf, len, false, d);
    if (rc == LC_OK)
        rc = lc__node_parse(r, a, proot);
    lc__reader_close(r);
    return rc;
}

const lc__node *lc__gov_get(const lc__node *m, const char *key, const lc__node **pk)
{
    if (!m || m->kind != LC__NODE_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const lc__node *k = m->kids[i];
        if (k->kind == LC__NODE_SCALAR && strcmp(k->s, key) == 0) {
            if (pk)
                *pk = k;
            return m->kids[i + 1];
        }
    }
    return NULL;
}

void lc__gov_json_str(FILE *out, const char *s)
{
    lc__gov_json_mem(out, s ? s : "", s ? strlen(s) : 0);
}

void lc__gov_json_mem(FILE *out, const char *s, size_t len)
{
    /* Written straight to the stream: a writer never allocates, so it cannot fail halfway
     * for want of memory and leave a wrong value behind. */
    static const char hex[] = "0123456789abcdef";
    fputc('"', out);
    for (const char *end = s + len; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        default:
            if (c < 0x20) {
                fputs("\\u00", out);
                fputc(hex[c >> 4], out);
                fputc(hex[c & 15], out);
            } else {
                fputc(c, out);
            }
        }
    }
    fputc('"', out);
}

const char *lc__gov_num(double v, char *buf)
{
    char raw[40];
    lc__numstr(v, raw);
    const char *p = raw;
    size_t o = 0;
    if (*p == '-')
        buf[o++] = *p++;
    size_t int_len = strspn(p, "0123456789");
    bool group = int_len > 3 && !strchr(p, 'e');
    for (size_t i = 0; i < int_len; i++) {
        if (group && i && (int_len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = p[i];
    }
    strcpy(buf + o, p + int_len);
    return buf;
}

/* The entity that stands for "c" in HTML, or NULL for the character itself. */
static const char *html_entity(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    default:
        return NULL;
    }
}

void lc__gov_html_str(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        const char *e = html_entity(*s);
        if (e)
            fputs(e, out);
        else
            fputc(*s, out);
    }
}

const char *lc__gov_html(const char *s, char *buf, size_t size)
{
    lc_assert(size >= 8);
    size_t o = 0;
    for (; s && *s; s++) {
        const char *e = html_entity(*s);
        size_t n = e ? strlen(e) : 1;
        if (o + n + 4 > size) { /* room for "..." and the NUL */
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (e)
            memcpy(buf + o, e, n);
        else
            buf[o] = *s;
        o += n;
    }
    buf[o] = '\0';
    return buf;
}
