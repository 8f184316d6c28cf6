/*
 * fuzz_policy.c - the policy loader on arbitrary text: every input is loaded or refused
 * with diagnostics, in bounded time and memory.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lc_diags d;
    lc_diags_init(&d);
    lc_policy *p = NULL;
    lc_status rc = lc_policy_load_buffer("fuzz.yaml", (const char *)data, size, &p, &d);
    if (rc == LC_OK && !p)
        abort();
    lc_diags_print(&d, fuzz_sink());
    lc_policy_free(p);
    lc_diags_free(&d);
    return 0;
}
