/*
 * import.c - levcal import: a venue's published tier data in, a policy that loads and
 * lints clean out, or nothing at all.
 */
#include "base/prefix.h"

#include "gov/gov.h"
#include "venue/venue.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef void (*reader_fn)(lc__vctx *, lc__vfile *, size_t);

static const struct venue {
    const char *name, *title, *endpoint;
    reader_fn read;
} venues[] = {
    {"binance", "Binance USD-M futures", "GET /fapi/v1/leverageBracket", lc__import_binance},
    {"bybit", "Bybit v5", "GET /v5/market/risk-limit", lc__import_bybit},
    {"okx", "OKX v5", "GET /api/v5/public/position-tiers (and /api/v5/public/instruments)",
     lc__import_okx},
    {"hyperliquid", "Hyperliquid", "POST /info {\"type\": \"meta\"}", lc__import_hyperliquid},
    {"dydx", "dYdX v4", "GET /dydxprotocol/perpetuals/liquidity_tiers (and /perpetual)",
     lc__import_dydx},
};

const char *lc_import_venue(size_t i)
{
    return i < sizeof venues / sizeof *venues ? venues[i].name : NULL;
}

/* Reads and parses every file; false after an error. */
static bool read_all(lc__vctx *c, lc__vfile *f, size_t n, lc_status *rc)
{
    for (size_t i = 0; i < n; i++) {
        if ((*rc = lc__read_file(f[i].name, &f[i].buf, &f[i].len, c->ld.diags)) != LC_OK)
            return false;
        lc__sha256_hex(f[i].buf, f[i].len, f[i].sha256);
        lc__reader *r = NULL;
        *rc = lc__reader_open(&r, f[i].name, f[i].buf, f[i].len, true, c->ld.diags);
        if (*rc == LC_OK)
            *rc = lc__node_parse(r, &c->arena, &f[i].root);
        lc__reader_close(r);
        if (*rc != LC_OK)
            return false;
        if (!f[i].root) {
            c->ld.file = f[i].name;
            lc__ld_error(&c->ld, LC_DIAG_VALUE, 1, 1, "expected a JSON response, got an empty file");
            *rc = LC_EINPUT;
            return false;
        }
    }
    return true;
}

static lc_status finish(lc__vctx *c, const struct venue *v, const lc_import_opts *o,
                        lc__vfile *f, char **pout, size_t *plen)
{
    lc__buf desc, text, canon;
    lc__buf_init(&desc, 0);
    lc__buf_init(&text, 0);
    lc__buf_init(&canon, 0);
    lc__buf_printf(&desc, "Imported from %s, %s:", v->title, v->endpoint);
    for (size_t i = 0; i < o->n_files; i++) {
        const char *base = strrchr(f[i].name, '/');
        lc__buf_printf(&desc, "%s %s sha256 %s", i ? "," : "", base ? base + 1 : f[i].name,
                       f[i].sha256);
    }
    lc__buf_str(&desc, ".");
    lc_status rc = lc__buf_status(&desc);
    if (rc == LC_OK)
        rc = lc__v_write(c, o->id ? o->id : v->name, o->owner ? o->owner : "unassigned", desc.p,
                         &text);
    /* What is printed must load, in canonical form, and lint without an error. */
    static const char name[] = "<import>";
    lc_diags lint;
    lc_diags_init(&lint);
    if (rc == LC_OK)
        rc = lc__fmt(name, text.p, text.len, &canon, c->ld.diags);
    if (rc == LC_OK)
        rc = lc__lint_text(name, canon.p, canon.len, &lint);
    bool errors = false;
    for (const lc_diag *d = lint.head; rc == LC_OK && d; d = d->next) {
        if (d->severity == LC_SEV_NOTE)
            continue;
        errors = errors || d->severity == LC_SEV_ERROR;
        if (lc__diag_add(c->ld.diags, d->severity, d->code, name, d->line, d->col, "%s [%s]",
                         d->msg, d->rule ? d->rule : "lint"))
            rc = LC_ENOMEM;
    }
    lc_diags_free(&lint);
    if (rc == LC_OK && errors)
        rc = LC_EINPUT;
    if (rc == LC_OK) {
        *pout = canon.p;
        *plen = canon.len;
        canon.p = NULL;
    }
    lc__free(desc.p);
    lc__free(text.p);
    lc__free(canon.p);
    return rc;
}

lc_status lc_import(const lc_import_opts *o, char **pout, size_t *plen, lc_diags *diags)
{
    if (!o || !o->venue || !o->files || !o->n_files || !pout || !plen || !diags)
        return LC_EINVAL;
    *pout = NULL;
    *plen = 0;
    const struct venue *v = NULL;
    for (size_t i = 0; i < sizeof venues / sizeof *venues && !v; i++)
        if (strcmp(venues[i].name, o->venue) == 0)
            v = &venues[i];
    if (!v)
        return LC_EINVAL;
    lc__vctx c;
    memset(&c, 0, sizeof c);
    c.ld.diags = diags;
    c.ld.file = o->files[0];
    c.want = o->n_markets ? o->markets : NULL;
    c.n_want = o->n_markets;
    c.contract_size = o->contract_size;
    lc__arena_init(&c.arena, 1 << 16);
    lc_status rc = LC_ENOMEM;
    lc__vfile *f = lc__calloc(o->n_files, sizeof(*f));
    if (o->n_markets && !(c.seen = lc__calloc(o->n_markets, sizeof(*c.seen))))
        goto done;
    if (!f)
        goto done;
    for (size_t i = 0; i < o->n_files; i++)
        f[i].name = o->files[i];
    if (!read_all(&c, f, o->n_files, &rc))
        goto done;
    v->read(&c, f, o->n_files);
    rc = c.rc;
    if (rc == LC_OK && c.ld.oom)
        rc = LC_ENOMEM;
    if (rc == LC_OK && !c.ld.n_errors) {
        c.ld.file = o->files[0];
        for (size_t i = 0; i < o->n_markets; i++)
            if (!c.seen[i])
                lc__ld_error(&c.ld, LC_DIAG_REFERENCE, 0, 0, "market '%s' is not in %s",
                             o->markets[i], o->n_files > 1 ? "the files" : o->files[0]);
        if (c.n == 0 && !o->n_markets)
            lc__ld_error(&c.ld, LC_DIAG_MISSING, 0, 0, "no market found in %s",
                         o->n_files > 1 ? "the files" : o->files[0]);
    }
    if (rc == LC_OK && c.ld.n_errors)
        rc = LC_EINPUT;
    if (rc == LC_OK)
        rc = finish(&c, v, o, f, pout, plen);
done:
    for (size_t i = 0; f && i < o->n_files; i++)
        lc__free(f[i].buf);
    lc__free(f);
    lc__free(c.seen);
    lc__free(c.m);
    lc__arena_free(&c.arena);
    return rc;
}
