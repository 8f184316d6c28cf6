/*
 * hash.c - SHA-256 of buffers and files, in hex, over libsodium.
 *
 * Digests name what was approved and what a report was computed from, so they must be
 * the standard function that any other tool recomputes: libsodium's, not one of ours.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((lc__sha256_ctx *)0)->st),
               "lc__sha256_ctx too small for libsodium's state");

/* sodium_init picks the fastest implementation once; later calls return at once. It
 * fails only when the system has no entropy source, which hashing does not need. */
static void init(void)
{
    if (sodium_init() < 0)
        return;
}

void lc__sha256_init(lc__sha256_ctx *c)
{
    init();
    crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)c->st);
}

void lc__sha256_update(lc__sha256_ctx *c, const void *buf, size_t len)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)c->st,
                              (const unsigned char *)buf, len);
}

void lc__sha256_final_hex(lc__sha256_ctx *c, char out[LC__SHA256_HEX])
{
    unsigned char h[32];
    crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)c->st, h);
    lc__hex(h, sizeof h, out);
}

void lc__sha256_hex(const void *buf, size_t len, char out[LC__SHA256_HEX])
{
    lc__sha256_ctx c;
    lc__sha256_init(&c);
    lc__sha256_update(&c, buf, len);
    lc__sha256_final_hex(&c, out);
}

void lc__hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

lc_status lc__sha256_file(const char *path, char out[LC__SHA256_HEX], lc_diags *d)
{
    lc__file f;
    lc_status rc = lc__file_open(&f, path, d);
    if (rc)
        return rc;
    lc__sha256_hex(f.data, f.len, out);
    lc__file_close(&f);
    return LC_OK;
}
