/*
 * sign.c - Ed25519 keys and detached signatures of a policy's digest (libsodium).
 *
 * A signature is made over the digest string ("sha256:..."), which names the policy's
 * canonical content and every script it runs, so a signed policy cannot be edited,
 * reformatted into something else, or have a script swapped without the check failing.
 * The files are small texts, a format line first, so a person can read what they hold.
 */
#include "base/prefix.h"

#include "model/policy.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEC_HEADER "levcal-secret-key 1"
#define PUB_HEADER "levcal-public-key 1"
#define SIG_HEADER "levcal-signature 1"
#define B64 sodium_base64_VARIANT_ORIGINAL

static lc_status trust(lc_diags *d, const char *file, unsigned line, const char *fmt, ...)
    LC_PRINTF(4, 5);

static lc_status trust(lc_diags *d, const char *file, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lc__diag_vadd(d, LC_SEV_ERROR, LC_DIAG_TRUST, file, line, line ? 1 : 0, fmt, ap);
    va_end(ap);
    return LC_EINPUT;
}

/* ==== Small text files ================================================== */

/* The "n"th line (1-based) of "buf" into "out" (NUL-terminated, capacity "cap"); false if
 * the file has fewer lines or the line is too long. A last line without its newline is a
 * file cut short: *cut says so. */
static bool line_of_cut(const char *buf, unsigned n, char *out, size_t cap, bool *cut)
{
    const char *s = buf;
    for (unsigned i = 1; i < n; i++) {
        s = strchr(s, '\n');
        if (!s)
            return false;
        s++;
    }
    size_t len = strcspn(s, "\n");
    if (cut)
        *cut = s[len] != '\n';
    if (len == 0 && !*s)
        return false;
    if (len >= cap)
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    if (len && out[len - 1] == '\r')
        out[len - 1] = '\0';
    return true;
}

/* Decodes base64 "s" into exactly "n" bytes. */
static bool unb64(const char *s, unsigned char *out, size_t n)
{
    size_t got = 0;
    return sodium_base642bin(out, n, s, strlen(s), NULL, &got, NULL, B64) == 0 && got == n;
}

static bool line_of(const char *buf, unsigned n, char *out, size_t cap)
{
    return line_of_cut(buf, n, out, cap, NULL);
}

static void b64(const unsigned char *bin, size_t n, char *out, size_t cap)
{
    sodium_bin2base64(out, cap, bin, n, B64);
}

/* Writes "text" to "path" through a temporary file and a rename, with mode "mode"; with
 * "exclusive", an existing "path" is refused. */
static lc_status write_file(const char *path, const char *text, mode_t mode, bool exclusive,
                            lc_diags *d)
{
    if (exclusive && access(path, F_OK) == 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, path, 0, 0,
                     "already exists; not overwritten (remove it first to replace the key)");
        return LC_EIO;
    }
    size_t n = strlen(path) + 16;
    char *tmp = lc__malloc(n);
    if (!tmp)
        return LC_ENOMEM;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
    lc_status rc = LC_OK;
    if (fd < 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, tmp, 0, 0, "cannot create: %s", strerror(errno));
        lc__free(tmp);
        return LC_EIO;
    }
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, path, 0, 0, "cannot write: %s", strerror(errno));
        unlink(tmp);
        rc = LC_EIO;
    }
    lc__free(tmp);
    return rc;
}

/* ==== Keys ============================================================== */

lc_status lc_keygen(const char *path, lc_diags *d)
{
    if (!path)
        return LC_EINVAL;
    if (sodium_init() < 0)
        return trust(d, NULL, 0, "libsodium could not start (no entropy source)");
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    char pk64[128], sk64[160], text[320];
    b64(pk, sizeof pk, pk64, sizeof pk64);
    b64(sk, sizeof sk, sk64, sizeof sk64);
    size_t n = strlen(path) + 5;
    char *pub = lc__malloc(n);
    if (!pub)
        return LC_ENOMEM;
    snprintf(pub, n, "%s.pub", path);
    lc_status rc = LC_OK;
    if (access(path, F_OK) == 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, path, 0, 0,
                     "already exists; not overwritten (remove it first to replace the key)");
        rc = LC_EIO;
    } else if (access(pub, F_OK) == 0) {
        lc__diag_add(d, LC_SEV_ERROR, LC_DIAG_FILE, pub, 0, 0,
                     "already exists; not overwritten (remove it first to replace the key)");
        rc = LC_EIO;
    }
    snprintf(text, sizeof text, SEC_HEADER "\ned25519 %s\n", sk64);
    if (rc == LC_OK)
        rc = write_file(path, text, 0600, true, d);
    snprintf(text, sizeof text, PUB_HEADER "\ned25519 %s\n", pk64);
    if (rc == LC_OK && (rc = write_file(pub, text, 0644, true, d)) != LC_OK)
        unlink(path);
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(sk64, sizeof sk64);
    sodium_memzero(text, sizeof text);
    lc__free(pub);
    return rc;
}

/* Reads a key file: its header line, then "ed25519 <base64>" of "n" bytes. */
static lc_status read_key(const char *path, const char *header, unsigned char *key, size_t n,
                          lc_diags *d)
{
    char *buf;
    size_t len;
    lc_status rc = lc__read_file(path, &buf, &len, d);
    if (rc)
        return rc;
    char line[256];
    bool pub = n == crypto_sign_PUBLICKEYBYTES;
    if (!line_of(buf, 1, line, sizeof line) || strcmp(line, header) != 0) {
        rc = trust(d, path, 1, "expected '%s' (a %s key from 'levcal keygen')", header,
                   pub ? "public" : "secret");
    } else if (!line_of(buf, 2, line, sizeof line) || strncmp(line, "ed25519 ", 8) != 0 ||
               !unb64(line + 8, key, n)) {
        rc = trust(d, path, 2, "expected 'ed25519 ' and the %s key in base64 (%zu bytes)",
                   pub ? "public" : "secret", n);
    }
    sodium_memzero(buf, len);
    lc__free(buf);
    return rc;
}

/* ==== Signatures ======================================================== */

lc_status lc_sign(const lc_policy *p, const char *key_path, const char *sig_path, lc_diags *d)
{
    if (!p || !key_path || !sig_path)
        return LC_EINVAL;
    if (sodium_init() < 0)
        return trust(d, NULL, 0, "libsodium could not start (no entropy source)");
    struct stat st;
    if (stat(key_path, &st) == 0 && (st.st_mode & 077))
        return trust(d, key_path, 0,
                     "the secret key is readable by others (mode %04o); 'chmod 600 %s' first",
                     (unsigned)(st.st_mode & 0777), key_path);
    unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    lc_status rc = read_key(key_path, SEC_HEADER, sk, sizeof sk, d);
    if (rc)
        return rc;
    crypto_sign_detached(sig, NULL, (const unsigned char *)p->digest, strlen(p->digest), sk);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    sodium_memzero(sk, sizeof sk);
    char pk64[128], sig64[160], text[512];
    b64(pk, sizeof pk, pk64, sizeof pk64);
    b64(sig, sizeof sig, sig64, sizeof sig64);
    snprintf(text, sizeof text, SIG_HEADER "\ndigest %s\nkey ed25519 %s\nsignature %s\n",
             p->digest, pk64, sig64);
    return write_file(sig_path, text, 0644, false, d);
}

lc_status lc_verify(const lc_policy *p, const char *pub_path, const char *sig_path, lc_diags *d)
{
    if (!p || !pub_path || !sig_path)
        return LC_EINVAL;
    if (sodium_init() < 0)
        return trust(d, NULL, 0, "libsodium could not start");
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], spk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sig[crypto_sign_BYTES];
    lc_status rc = read_key(pub_path, PUB_HEADER, pk, sizeof pk, d);
    if (rc)
        return rc;
    char *buf;
    size_t len;
    if ((rc = lc__read_file(sig_path, &buf, &len, d)) != LC_OK)
        return rc;
    char line[256], digest[128];
    const char *ends = "; the file ends early (truncated?)";
    bool have, cut = false;
    if (!line_of(buf, 1, line, sizeof line) || strcmp(line, SIG_HEADER) != 0) {
        rc = trust(d, sig_path, 1, "expected '" SIG_HEADER "' (a signature from 'levcal sign')");
        goto done;
    }
    have = line_of_cut(buf, 2, digest, sizeof digest, &cut);
    if (!have || strncmp(digest, "digest sha256:", 14) != 0 || strlen(digest) != 7 + 7 + 64) {
        rc = trust(d, sig_path, 2, "expected 'digest sha256:<64 hex digits>'%s",
                   have && !cut ? "" : ends);
        goto done;
    }
    memmove(digest, digest + 7, strlen(digest + 7) + 1);
    have = line_of_cut(buf, 3, line, sizeof line, &cut);
    if (!have || strncmp(line, "key ed25519 ", 12) != 0 || !unb64(line + 12, spk, sizeof spk)) {
        rc = trust(d, sig_path, 3, "expected 'key ed25519 <public key in base64>'%s",
                   have && !cut ? "" : ends);
        goto done;
    }
    have = line_of_cut(buf, 4, line, sizeof line, &cut);
    if (!have || strncmp(line, "signature ", 10) != 0 || !unb64(line + 10, sig, sizeof sig)) {
        rc = trust(d, sig_path, 4, "expected 'signature <64 bytes in base64>'%s",
                   have && !cut ? "" : ends);
        goto done;
    }
    if (sodium_memcmp(pk, spk, sizeof pk) != 0) {
        char a[64], b[64];
        b64(spk, sizeof spk, a, sizeof a);
        b64(pk, sizeof pk, b, sizeof b);
        rc = trust(d, sig_path, 3, "signed with key %s, not with the key of %s (%s)", a,
                   pub_path, b);
    } else if (crypto_sign_verify_detached(sig, (const unsigned char *)digest, strlen(digest),
                                           pk) != 0) {
        rc = trust(d, sig_path, 4, "the signature does not verify: the signature file was altered");
    } else if (strcmp(digest, p->digest) != 0) {
        rc = trust(d, sig_path, 2,
                   "the signature is for %s, but the policy's digest is now %s: the policy or a "
                   "script it runs changed since it was signed",
                   digest, p->digest);
    }
done:
    lc__free(buf);
    return rc;
}
