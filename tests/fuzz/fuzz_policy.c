/*
 * fuzz_policy.c - the policy loader on arbitrary text: every input is loaded or refused
 * with diagnostics, in bounded time and memory. A policy that loads is formatted too, and
 * fmt's promises are checked: its output loads, keeps the digest, and formats to itself.
 */
#include "fuzz.h"

#include <string.h>

static void check_fmt(const char *text, size_t size, const lc_policy *p)
{
    char *once = NULL, *twice = NULL;
    size_t n1 = 0, n2 = 0;
    lc_status rc = lc_policy_format("fuzz.yaml", text, size, &once, &n1, NULL);
    if (rc == LC_ENOMEM)
        return;
    if (rc != LC_OK)
        abort(); /* it loaded, so it formats */
    lc_policy *q = NULL;
    rc = lc_policy_load_buffer("fuzz.yaml", once, n1, &q, NULL);
    if (rc == LC_OK) {
        if (strcmp(lc_policy_digest(p), lc_policy_digest(q)) != 0)
            abort(); /* fmt changed the meaning */
        if (lc_policy_format("fuzz.yaml", once, n1, &twice, &n2, NULL) == LC_OK &&
            (n1 != n2 || memcmp(once, twice, n1) != 0))
            abort(); /* not idempotent */
    } else if (rc != LC_ENOMEM) {
        abort(); /* fmt wrote something that does not load */
    }
    lc_policy_free(q);
    lc_free(once);
    lc_free(twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    lc_status rc = lc_policy_load_buffer("fuzz.yaml", (const char *)data, size, &p, &d);
    if (rc == LC_OK && !p)
        abort();
    lc_diags_print(&d, fuzz_sink());
    if (rc == LC_OK)
        check_fmt((const char *)data, size, p);
    lc_policy_free(p);
    lc_diags_free(&d);
    return 0;
}
