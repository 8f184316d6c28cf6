/*
 * fuzz_import.c - levcal import on an arbitrary file as each venue's response: a policy
 * that loads, or diagnostics; never a crash, never text with an error.
 */
#include "fuzz.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(".json", data, size);
    const char *files[2] = {path, path};
    for (size_t v = 0; lc_import_venue(v); v++) {
        /* okx and dydx read a second file: the same one, or none with a contract size. */
        bool two = size % 2 && (v == 2 || v == 4);
        lc_import_opts o = {lc_import_venue(v), files, two ? 2 : 1, NULL, 0, NULL, NULL,
                            v == 2 && !two ? 0.01 : (double)NAN};
        lc_diags d;
        lc_diags_init(&d);
        char *text = NULL;
        size_t len = 0;
        lc_status rc = lc_import(&o, &text, &len, &d);
        if ((rc == LC_OK) != (text != NULL))
            abort();
        if (text)
            fwrite(text, 1, len, fuzz_sink());
        lc_free(text);
        lc_diags_print(&d, fuzz_sink());
        lc_diags_free(&d);
    }
    return 0;
}
