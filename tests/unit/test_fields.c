/*
 * test_fields.c - the documentation names every figure the report writes and scripts
 * read, from the same list (model/fields.h) the writer and the views are built from.
 */
#include "helpers.h"

#include "model/fields.h"

#define LC_ARRAY_LEN_(a) (sizeof(a) / sizeof((a)[0]))

#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 17];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void documented(const char *doc, const char *const *names, size_t n)
{
    char *text = slurp(doc);
    for (size_t i = 0; i < n; i++) {
        char quoted[64];
        snprintf(quoted, sizeof quoted, "`%s`", names[i]);
        if (!strstr(text, quoted))
            fail_msg("%s does not document %s", doc, quoted);
    }
}

#define NAME(name, kind) #name,
static const char *const position_names[] = {LC__POSITION_NUMBERS(NAME)};
static const char *const account_names[] = {LC__ACCOUNT_NUMBERS(NAME)};

static void report_documents_every_field(void **state)
{
    (void)state;
    documented(LC_TOP_DIR "/docs/report.md", position_names, LC_ARRAY_LEN_(position_names));
    documented(LC_TOP_DIR "/docs/report.md", account_names, LC_ARRAY_LEN_(account_names));
}

static void scripting_documents_every_field(void **state)
{
    (void)state;
    documented(LC_TOP_DIR "/docs/scripting.md", position_names, LC_ARRAY_LEN_(position_names));
    documented(LC_TOP_DIR "/docs/scripting.md", account_names, LC_ARRAY_LEN_(account_names));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_documents_every_field),
        cmocka_unit_test(scripting_documents_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
