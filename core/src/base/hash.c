/*
 * hash.c - SHA-256 of buffers and files, in hex, over OpenSSL's libcrypto.
 *
 * Digests name what was approved and what a report was computed from, so they must be
 * the standard function that any other tool recomputes: libcrypto's, not one of ours. It
 * uses the CPU's SHA extensions where there are some: hashing a 70 MB portfolio for the
 * report's provenance costs a few instructions a byte, not the fifty of portable code.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

void lc__sha256_hex(const void *buf, size_t len, char out[LC__SHA256_HEX])
{
    unsigned char h[SHA256_DIGEST_LENGTH];
    SHA256(len ? buf : (const void *)"", len, h);
    lc__hex(h, sizeof h, out);
}

void lc__sha256_hex_behind(const void *buf, size_t len, char out[LC__SHA256_HEX],
                           lc__behind *b)
{
    /* Steps of 1 MiB: the readers behind it are never held back by more than that. */
    const size_t step = (size_t)1 << 20;
    EVP_MD_CTX *ctx = b ? EVP_MD_CTX_new() : NULL;
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(ctx);
        lc__sha256_hex(buf, len, out);
        return;
    }
    const unsigned char *p = buf;
    bool ok = true;
    for (size_t done = 0; done < len && ok; done += step) {
        size_t n = len - done < step ? len - done : step;
        ok = EVP_DigestUpdate(ctx, p + done, n) == 1;
        atomic_store_explicit(&b->hashed, done + n, memory_order_release);
    }
    unsigned char h[SHA256_DIGEST_LENGTH];
    unsigned hl = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, h, &hl) == 1 && hl == sizeof h;
    EVP_MD_CTX_free(ctx);
    if (ok)
        lc__hex(h, sizeof h, out);
    else
        lc__sha256_hex(buf, len, out);
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
