/*
 * test_gov.c - the pieces governance stands on: SHA-256 (published test vectors), the
 * scalar resolver, RFC 8785 serialisation (the RFC's rules for numbers, strings and key
 * order), comments found between tokens, and the formatter's properties on generated
 * policies.
 */
#include "helpers.h"

#include "gov/gov.h"
#include "syntax/canon.h"
#include "syntax/comments.h"
#include "syntax/reader.h"

#include <math.h>
#include <stdlib.h>

/* ==== SHA-256 ============================================================ */

static void sha256_vectors(void **state)
{
    (void)state;
    char hex[LC__SHA256_HEX];
    /* FIPS 180-2, appendix B. */
    lc__sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    lc__sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* two blocks */
    lc__sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* A million 'a': many blocks. */
    char *million = malloc(1000000);
    assert_non_null(million);
    memset(million, 'a', 1000000);
    lc__sha256_hex(million, 1000000, hex);
    free(million);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The hash in steps, telling how far it has read, is the same function: the vectors
 * again, and three and a half million 'a's, more than three of its 1 MiB steps, against
 * the one-step hash (the million 'a' vector above vouches for that). */
static void sha256_in_steps(void **state)
{
    (void)state;
    char hex[LC__SHA256_HEX], want[LC__SHA256_HEX];
    lc__behind b = {NULL, 0};
    lc__sha256_hex_behind("abc", 3, hex, &b);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(atomic_load(&b.hashed), 3);
    atomic_store(&b.hashed, 0);
    lc__sha256_hex_behind("", 0, hex, &b);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    size_t n = 3500000;
    char *a = malloc(n);
    assert_non_null(a);
    memset(a, 'a', n);
    lc__sha256_hex_behind(a, 1000000, hex, &b);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    lc__sha256_hex_behind(a, n, hex, &b);
    assert_int_equal(atomic_load(&b.hashed), n);
    lc__sha256_hex(a, n, want);
    assert_string_equal(hex, want);
    lc__sha256_hex_behind(a, n, hex, NULL);
    assert_string_equal(hex, want);
    free(a);
}

/* ==== Scalars and RFC 8785 =============================================== */

static lc__node *parse(lc__arena *a, const char *text)
{
    lc__node *root = NULL;
    lc_diags d;
    lc_diags_init(&d);
    assert_int_equal(lc__gov_parse("t", text, strlen(text), a, &root, &d), LC_OK);
    lc_diags_free(&d);
    return root;
}

static void expect_jcs(const char *yaml, const char *want)
{
    lc__arena a;
    lc__arena_init(&a, 4096);
    lc__node *root = parse(&a, yaml);
    lc__buf out = {0};
    assert_int_equal(lc__jcs_write(root, NULL, NULL, NULL, NULL, &out, "t", NULL), LC_OK);
    assert_string_equal(out.p, want);
    lc__buf_free(&out);
    lc__arena_free(&a);
}

static void resolver(void **state)
{
    (void)state;
    /* YAML 1.2 core schema: null, booleans, numbers; quoted is always a string. */
    expect_jcs("[~, null, Null, NULL, '', true, True, FALSE, 'true', yes, 0x1F, 1_000, .inf, "
               "-.Inf, .NaN, \"12\", 12]",
               "[null,null,null,null,\"\",true,true,false,\"true\",\"yes\",\"0x1F\",1000,"
               "\".inf\",\"-.inf\",\".nan\",\"12\",12]");
    expect_jcs("{a: }", "{\"a\":null}");
}

static void jcs_numbers(void **state)
{
    (void)state;
    /* RFC 8785 3.2.2.3 (ECMAScript Number::toString): integers without a point, no
     * exponent from 1e-6 up to 1e21, e+/e- beyond, shortest round trip, -0 as 0. */
    expect_jcs("[4e-3, 0.0040, 1e21, 1e20, 0.000001, 1e-7, -0.0, 1.5e300, 123456789012345678, "
               "0.1, 5e-324, 9007199254740993]",
               "[0.004,0.004,1e+21,100000000000000000000,0.000001,1e-7,0,1.5e+300,"
               "123456789012345680,0.1,5e-324,9007199254740992]");
}

static void jcs_strings(void **state)
{
    (void)state;
    /* Minimal escapes: \" \\ and \b \t \n \f \r, other controls as \u00xx; DEL and
     * non-ASCII as they are. */
    expect_jcs("[\"a\\\"b\\\\c\", \"\\t\\n\\r\\b\\f\", \"\\x01\\x1f\", \"\\x7f\", \"€\"]",
               "[\"a\\\"b\\\\c\",\"\\t\\n\\r\\b\\f\",\"\\u0001\\u001f\",\"\x7f\",\"€\"]");
}

static void jcs_key_order(void **state)
{
    (void)state;
    /* By UTF-16 code units: U+1F600 (surrogates D83D DE00) sorts before U+FF61, though
     * its UTF-8 bytes (F0...) sort after (EF...); RFC 8785 3.2.3's example order. */
    assert_true(lc__utf16_cmp("\xF0\x9F\x98\x80", "\xEF\xBD\xA1") < 0);
    assert_true(memcmp("\xF0\x9F\x98\x80", "\xEF\xBD\xA1", 1) > 0);
    assert_true(lc__utf16_cmp("a", "ab") < 0);
    assert_int_equal(lc__utf16_cmp("x", "x"), 0);
    expect_jcs("{b: 1, a: {d: 1, c: 2}, \"\\u20ac\": 3, \"\\r\": 4, \"1\": 5, \"\\U0001F600\": 6, "
               "\"\\uFF61\": 7}",
               "{\"\\r\":4,\"1\":5,\"a\":{\"c\":2,\"d\":1},\"b\":1,\"€\":3,\"😀\":6,\"｡\":7}");
}

static bool skip_b(void *ctx, const char *const *path, size_t depth)
{
    (void)ctx;
    return depth == 2 && path[1] && strcmp(path[1], "b") == 0;
}

static void jcs_skip_and_extra(void **state)
{
    (void)state;
    lc__arena a;
    lc__arena_init(&a, 4096);
    /* Aliases expand; skipped members leave no comma behind; the extra member sorts in. */
    lc__node *root = parse(&a, "{x: &m {b: 1, c: 2}, y: *m, a: [1, 2]}");
    lc__buf out = {0};
    assert_int_equal(lc__jcs_write(root, skip_b, NULL, "$files", "{}", &out, "t", NULL), LC_OK);
    assert_string_equal(out.p, "{\"$files\":{},\"a\":[1,2],\"x\":{\"c\":2},\"y\":{\"c\":2}}");
    lc__buf_free(&out);
    /* A key that is a collection cannot be a JSON key. */
    root = parse(&a, "{[1]: 2}");
    lc_diags d;
    lc_diags_init(&d);
    assert_int_equal(lc__jcs_write(root, NULL, NULL, NULL, NULL, &out, "t", &d), LC_EINPUT);
    assert_non_null(d.head);
    assert_string_equal(d.head->msg, "expected a key (a string), got a sequence");
    lc_diags_free(&d);
    lc__buf_free(&out);
    /* A billion laughs stops at the buffer's limit instead of the machine's. */
    root = parse(&a, "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
                     "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n");
    lc__buf_init(&out, 100000);
    lc_diags_init(&d);
    assert_int_equal(lc__jcs_write(root, NULL, NULL, NULL, NULL, &out, "t", &d), LC_EINPUT);
    assert_int_equal(d.head->code, LC_DIAG_LIMIT);
    lc_diags_free(&d);
    lc__buf_free(&out);
    lc__arena_free(&a);
}

/* ==== Comments =========================================================== */

static void comments(void **state)
{
    (void)state;
    const char *text = "# head\n"
                       "a: 'x # not a comment'  # one\n"
                       "b: |  # header\n"
                       "  text # inside the block\n"
                       "c: [1, # in flow\n"
                       "    2]\n"
                       "d: \"#\" # tail\n"
                       "  # last\n";
    lc__arena a;
    lc__arena_init(&a, 4096);
    lc__comment *c;
    size_t n;
    assert_int_equal(lc__yaml_comments(text, strlen(text), &a, &c, &n), LC_OK);
    assert_int_equal(n, 6);
    const struct {
        unsigned line, col;
        const char *text;
        bool own;
    } want[] = {{1, 1, "# head", true},   {2, 25, "# one", false},   {3, 7, "# header", false},
                {5, 8, "# in flow", false}, {7, 8, "# tail", false},  {8, 3, "# last", true}};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(c[i].line, want[i].line);
        assert_int_equal(c[i].col, want[i].col);
        assert_int_equal(c[i].len, strlen(want[i].text));
        assert_memory_equal(c[i].text, want[i].text, c[i].len);
        assert_int_equal(c[i].own_line, want[i].own);
    }
    lc__arena_free(&a);
}

/* ==== fmt properties on generated policies =============================== */

static char *format(const char *text, lc_status want)
{
    char *out = NULL;
    size_t len = 0;
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_policy_format("gen.yaml", text, strlen(text), &out, &len, &d);
    if (rc != want)
        lc_diags_print(&d, stderr);
    assert_int_equal(rc, want);
    lc_diags_free(&d);
    return out;
}

static void digest_of(const char *text, char *out)
{
    lc_policy *p = NULL;
    lc_diags d;
    lc_diags_init(&d);
    lc_status rc = lc_policy_load_buffer("gen.yaml", text, strlen(text), &p, &d);
    if (rc)
        lc_diags_print(&d, stderr);
    assert_int_equal(rc, LC_OK);
    strcpy(out, lc_policy_digest(p));
    lc_policy_free(p);
    lc_diags_free(&d);
}

/* A random number in one of the spellings YAML allows for it. */
static void spell(char *buf, size_t cap, double v, unsigned r)
{
    switch (r % 4) {
    case 0:
        snprintf(buf, cap, "%.17g", v);
        break;
    case 1:
        snprintf(buf, cap, "%.6e", v);
        break;
    case 2:
        snprintf(buf, cap, "%g", v);
        break;
    default:
        snprintf(buf, cap, "%.10f", v);
        break;
    }
}

static void fmt_properties(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 60; round++) {
        /* A valid policy: caps rising, leverage falling, rates rising below 1/leverage. */
        lc__buf t = {0};
        lc__buf_str(&t, round % 2 ? "levcal: 1\npolicy: {id: g, version: 1}\nmarkets:\n"
                                  : "policy:\n  version: 1\n  id: g  # id\nlevcal: 1\nmarkets:\n");
        int nm = 1 + rand() % 3;
        for (int m = 0; m < nm; m++) {
            lc__buf_printf(&t, "  M%d:\n    tiers:\n", m);
            double cap = 1000, lev = 100, mmr = 0.001;
            int nt = 1 + rand() % 6;
            for (int i = 0; i < nt; i++) {
                char c[40], l[40], r[40];
                cap *= 1.5 + rand() % 10;
                lev = floor(lev * (0.5 + (rand() % 50) / 100.0));
                if (lev < 1)
                    lev = 1;
                /* Rates never fall and stay below 0.9 / leverage. */
                double next = mmr * (1 + (rand() % 100) / 100.0);
                mmr = next * lev < 0.9 ? next : fmax(mmr, 0.5 / lev);
                spell(c, sizeof c, cap, (unsigned)rand());
                spell(l, sizeof l, lev, (unsigned)rand());
                spell(r, sizeof r, mmr, (unsigned)rand());
                if (rand() % 2)
                    lc__buf_printf(&t, "      - {mmr: %s, cap: %s, max_leverage: %s}\n", r, c, l);
                else
                    lc__buf_printf(&t, "      - cap: %s\n        max_leverage: %s\n        mmr: %s\n",
                                   c, l, r);
            }
        }
        char d0[80], d1[80];
        digest_of(t.p, d0);
        char *once = format(t.p, LC_OK);
        char *twice = format(once, LC_OK);
        assert_string_equal(once, twice); /* idempotent */
        digest_of(once, d1);
        assert_string_equal(d0, d1); /* the digest never moves */
        /* Every number in canonical form is its shortest round trip: reading it back and
         * printing it gives the same text. */
        for (const char *s = once; (s = strpbrk(s, "0123456789")) != NULL;) {
            size_t len = strspn(s, "0123456789.e+-");
            double v;
            if (s[-1] == 'M' || !lc__parse_number(s, len, &v)) {
                s += len;
                continue;
            }
            char nb[40];
            lc__numstr(v, nb);
            assert_int_equal(strlen(nb), len);
            assert_memory_equal(nb, s, len);
            s += len;
        }
        lc_free(once);
        lc_free(twice);
        lc__buf_free(&t);
    }
    /* A policy that does not load is refused, nothing returned. */
    char *none = format("levcal: 1\npolicy: {id: x}\n", LC_EINPUT);
    assert_null(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_vectors),  cmocka_unit_test(sha256_in_steps),
        cmocka_unit_test(resolver),        cmocka_unit_test(jcs_numbers),
        cmocka_unit_test(jcs_strings),
        cmocka_unit_test(jcs_key_order),   cmocka_unit_test(jcs_skip_and_extra),
        cmocka_unit_test(comments),        cmocka_unit_test(fmt_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
