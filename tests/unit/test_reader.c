/*
 * test_reader.c - the JSON and YAML event readers: events, strings, locations, errors.
 */
#include "helpers.h"

#include "syntax/reader.h"

static void expect_events(const char *text, bool json, const char *expected)
{
    lc_diags d;
    lc_diags_init(&d);
    lc__reader *r;
    assert_int_equal(lc__reader_open(&r, "t", text, strlen(text), json, &d), LC_OK);
    char got[1024] = "";
    size_t off = 0;
    for (;;) {
        lc__event ev;
        lc_status rc = lc__reader_next(r, &ev);
        if (rc) {
            lc_diags_print(&d, stderr);
            fail_msg("reader failed on %s", text);
        }
        if (ev.type == LC__EV_END)
            break;
        static const char kinds[] = "E{}[]s*";
        if (ev.type == LC__EV_SCALAR)
            off += (size_t)snprintf(got + off, sizeof got - off, "%s%.*s@%u:%u ",
                                    ev.quoted ? "\"" : "", (int)ev.len, ev.s, ev.line, ev.col);
        else
            off += (size_t)snprintf(got + off, sizeof got - off, "%c@%u:%u ", kinds[ev.type],
                                    ev.line, ev.col);
    }
    lc__reader_close(r);
    lc_diags_free(&d);
    assert_string_equal(got, expected);
}

static void expect_error(const char *text, bool json, const char *expected)
{
    lc_diags d;
    lc_diags_init(&d);
    lc__reader *r;
    assert_int_equal(lc__reader_open(&r, "t", text, strlen(text), json, &d), LC_OK);
    lc_status rc;
    lc__event ev;
    do
        rc = lc__reader_next(r, &ev);
    while (rc == LC_OK && ev.type != LC__EV_END);
    lc__reader_close(r);
    assert_int_equal(rc, LC_EINPUT);
    assert_non_null(d.head);
    char got[512];
    snprintf(got, sizeof got, "%u:%u: %s", d.head->line, d.head->col, d.head->msg);
    assert_string_equal(got, expected);
    lc_diags_free(&d);
}

static void json_events(void **state)
{
    (void)state;
    expect_events("{\"a\": [1, -2.5e3, true, null],\n \"b\": {}}", true,
                  "{@1:1 \"a@1:2 [@1:7 1@1:8 -2.5e3@1:11 true@1:19 null@1:25 ]@1:29 "
                  "\"b@2:2 {@2:7 }@2:8 }@2:9 ");
    expect_events("[]", true, "[@1:1 ]@1:2 ");
    expect_events("\"x\"", true, "\"x@1:1 ");
}

static void json_string_escapes(void **state)
{
    (void)state;
    expect_events("[\"a\\\"b\\\\c\\/\\n\", \"\\u00e9\\ud83d\\ude00\"]", true,
                  "[@1:1 \"a\"b\\c/\n@1:2 \"\xc3\xa9\xf0\x9f\x98\x80@1:17 ]@1:37 ");
}

static void json_errors(void **state)
{
    (void)state;
    expect_error("{\"a\": 1,}", true, "1:9: invalid JSON: unexpected '}', expected a string key");
    expect_error("{\"a\" 1}", true, "1:6: invalid JSON: unexpected '1', expected ':' after the key");
    expect_error("[1 2]", true, "1:4: invalid JSON: unexpected '2', expected ',' or ']'");
    expect_error("{\"a\":\n  tru}", true, "2:3: invalid JSON: unexpected 'tru', expected a value");
    expect_error("[\"abc", true, "1:6: invalid JSON: unterminated string");
    expect_error("[\"a\\x\"]", true, "1:4: invalid JSON: bad escape sequence in string");
    expect_error("{} {}", true,
                 "1:4: invalid JSON: unexpected '{', expected the end of the document");
    expect_error("[", true, "1:2: invalid JSON: unexpected end of input, expected a value");
}

static void yaml_events(void **state)
{
    (void)state;
    expect_events("a: [1, 'x']\nb:\n  - c\n", false,
                  "{@1:1 a@1:1 [@1:4 1@1:5 \"x@1:8 ]@1:11 b@2:1 [@3:3 c@3:5 ]@4:1 }@4:1 ");
}

static void yaml_errors(void **state)
{
    (void)state;
    expect_error("a: [1, 2\nb: 3\n", false,
                 "2:2: invalid YAML: did not find expected ',' or ']' while parsing a flow "
                 "sequence");
    expect_error("a: 1\n---\nb: 2\n", false, "2:1: expected one YAML document, found a second");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_events),  cmocka_unit_test(json_string_escapes),
        cmocka_unit_test(json_errors),  cmocka_unit_test(yaml_events),
        cmocka_unit_test(yaml_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
