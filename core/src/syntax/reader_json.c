/*
 * reader_json.c - the JSON backend of the event reader.
 *
 * A scanner over the whole input buffer that yields the same located events as the YAML
 * backend. Strings without escapes are returned in place; numbers are returned as text
 * for the loaders to convert, so no value is copied or allocated on the common path.
 */
#include "base/prefix.h"

#include "syntax/reader_int.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static unsigned col_of(const lc__reader *r, const char *at)
{
    return (unsigned)(at - r->line_start) + 1;
}

static lc_status fail_at(lc__reader *r, const char *at, const char *fmt, ...) LC_PRINTF(3, 4);

static lc_status fail_at(lc__reader *r, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lc_status rc = lc__diag_vadd(r->diags, LC_SEV_ERROR, LC_DIAG_SYNTAX, r->file, r->line,
                                 col_of(r, at), fmt, ap);
    va_end(ap);
    r->failed = true;
    return rc == LC_ENOMEM ? LC_ENOMEM : LC_EINPUT;
}

static lc_status fail_unexpected(lc__reader *r, const char *expected)
{
    if (r->p >= r->end)
        return fail_at(r, r->p, "invalid JSON: unexpected end of input, expected %s", expected);
    unsigned char c = (unsigned char)*r->p;
    if (c >= 0x20 && c < 0x7f)
        return fail_at(r, r->p, "invalid JSON: unexpected '%c', expected %s", c, expected);
    return fail_at(r, r->p, "invalid JSON: unexpected byte 0x%02x, expected %s", c, expected);
}

static void skip_ws(lc__reader *r)
{
    const char *p = r->p, *end = r->end;
    while (p < end) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
        } else if (c == '\n') {
            p++;
            r->line++;
            r->line_start = p;
        } else {
            break;
        }
    }
    r->p = p;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static bool scratch_reserve(lc__reader *r, size_t n)
{
    if (n <= r->scratch_cap)
        return true;
    size_t cap = r->scratch_cap ? r->scratch_cap : 256;
    while (cap < n)
        cap *= 2;
    char *s = lc__realloc(r->scratch, cap);
    if (!s)
        return false;
    r->scratch = s;
    r->scratch_cap = cap;
    return true;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Scans the string at r->p (on its opening quote) into ev. */
/* The length of the well-formed UTF-8 sequence at "p" (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

static lc_status scan_string(lc__reader *r, lc__event *ev)
{
    const char *start = ++r->p, *p = start, *end = r->end;
    /* ASCII runs fast; anything else is checked below. */
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20 &&
           (unsigned char)*p < 0x80)
        p++;
    if (p < end && *p == '"') {
        ev->s = start;
        ev->len = (size_t)(p - start);
        r->p = p + 1;
        return LC_OK;
    }
    /* Escapes or an error: decode into scratch. Output never exceeds input length. */
    if (!scratch_reserve(r, (size_t)(end - start) + 1))
        return LC_ENOMEM;
    size_t n = (size_t)(p - start);
    memcpy(r->scratch, start, n);
    for (;;) {
        if (p >= end) {
            r->p = p;
            return fail_at(r, p, "invalid JSON: unterminated string");
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c < 0x20) {
            r->p = p;
            return fail_at(r, p, "invalid JSON: control character 0x%02x in string", c);
        }
        if (c >= 0x80) {
            size_t k = utf8_seq((const unsigned char *)p, (const unsigned char *)end);
            if (!k) {
                r->p = p;
                return fail_at(r, p, "invalid JSON: invalid UTF-8 byte 0x%02x in string", c);
            }
            memcpy(r->scratch + n, p, k);
            n += k;
            p += k;
            continue;
        }
        if (c != '\\') {
            r->scratch[n++] = (char)c;
            p++;
            continue;
        }
        if (p + 1 >= end) {
            r->p = p;
            return fail_at(r, p, "invalid JSON: unterminated string");
        }
        char e = p[1];
        const char *map = "\"\"\\\\//b\bf\fn\nr\rt\t";
        const char *m = e ? strchr(map, e) : NULL;
        if (m && ((m - map) % 2) == 0) {
            r->scratch[n++] = m[1];
            p += 2;
            continue;
        }
        if (e != 'u' || end - p < 6 || hex4(p + 2) < 0) {
            r->p = p;
            return fail_at(r, p, "invalid JSON: bad escape sequence in string");
        }
        const char *esc = p;
        unsigned cp = (unsigned)hex4(p + 2);
        p += 6;
        if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
            int lo = hex4(p + 2);
            if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
                p += 6;
            }
        }
        if (cp >= 0xD800 && cp < 0xE000) { /* a half pair is no character */
            r->p = esc;
            return fail_at(r, esc, "invalid JSON: lone surrogate \\u%04x in string", cp);
        }
        n += put_utf8(r->scratch + n, cp);
    }
    r->scratch[n] = '\0';
    ev->s = r->scratch;
    ev->len = n;
    r->p = p + 1;
    return LC_OK;
}

/* Into a container; the caller has seen that the nesting limit allows it. */
static void enter(lc__reader *r, char kind, char state)
{
    r->stack[r->depth].kind = kind;
    r->stack[r->depth].state = state;
    r->depth++;
}

static lc_status push(lc__reader *r, char kind, char state)
{
    if (r->depth + r->depth_base == LC__JSON_MAX_DEPTH)
        return fail_at(r, r->p, "invalid JSON: nesting deeper than %d levels", LC__JSON_MAX_DEPTH);
    enter(r, kind, state);
    return LC_OK;
}

static void pop(lc__reader *r)
{
    r->depth--;
    if (r->depth == 0)
        r->jdone = true;
}

static lc_status scan_value(lc__reader *r, lc__event *ev)
{
    const char *p = r->p;
    if (p >= r->end)
        return fail_unexpected(r, "a value");
    ev->line = r->line;
    ev->col = col_of(r, p);
    lc_status rc;
    switch (*p) {
    case '{':
        if ((rc = push(r, '{', 'o')) != LC_OK)
            return rc;
        r->p++;
        ev->type = LC__EV_MAP;
        return LC_OK;
    case '[':
        if ((rc = push(r, '[', 'a')) != LC_OK)
            return rc;
        r->p++;
        ev->type = LC__EV_SEQ;
        return LC_OK;
    case '"':
        ev->type = LC__EV_SCALAR;
        ev->quoted = true;
        if ((rc = scan_string(r, ev)) != LC_OK)
            return rc;
        break;
    default: {
        const char *q = p;
        while (q < r->end && ((*q >= '0' && *q <= '9') || *q == '-' || *q == '+' || *q == '.' ||
                              (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
            q++;
        if (q == p)
            return fail_unexpected(r, "a value");
        size_t n = (size_t)(q - p);
        bool word = (*p >= 'a' && *p <= 'z');
        if (word && !((n == 4 && !memcmp(p, "true", 4)) || (n == 5 && !memcmp(p, "false", 5)) ||
                      (n == 4 && !memcmp(p, "null", 4))))
            return fail_at(r, p, "invalid JSON: unexpected '%.*s', expected a value",
                           (int)(n > 32 ? 32 : n), p);
        ev->type = LC__EV_SCALAR;
        ev->s = p;
        ev->len = n;
        r->p = q;
    }
    }
    if (r->depth == 0)
        r->jdone = true;
    return LC_OK;
}

lc_status lc__json_next(lc__reader *r, lc__event *ev)
{
    memset(ev, 0, sizeof(*ev));
    for (;;) {
        skip_ws(r);
        if (r->depth == 0) {
            if (!r->jdone)
                return scan_value(r, ev);
            if (r->p < r->end)
                return fail_unexpected(r, "the end of the document");
            ev->type = LC__EV_END;
            ev->line = r->line;
            ev->col = col_of(r, r->p);
            return LC_OK;
        }
        lc__jframe *f = &r->stack[r->depth - 1];
        char c = r->p < r->end ? *r->p : '\0';
        switch (f->state) {
        case 'o':
        case 'k':
            if (c == '}' && f->state == 'o')
                goto close;
            if (c != '"')
                return fail_unexpected(r, f->state == 'o' ? "a string key or '}'" : "a string key");
            ev->line = r->line;
            ev->col = col_of(r, r->p);
            ev->type = LC__EV_SCALAR;
            ev->quoted = true;
            f->state = 'v';
            return scan_string(r, ev);
        case 'v':
            if (c != ':')
                return fail_unexpected(r, "':' after the key");
            r->p++;
            skip_ws(r);
            f->state = ',';
            return scan_value(r, ev);
        case 'a':
            if (c == ']')
                goto close;
            f->state = ',';
            return scan_value(r, ev);
        case 'e':
            f->state = ',';
            return scan_value(r, ev);
        default: /* ',' : after a value */
            if (r->part_open && r->depth == 1 && r->p >= r->end) {
                /* A part's text ends after an item: its sequence's end, with no ']'. */
                ev->line = r->line;
                ev->col = col_of(r, r->p);
                ev->type = LC__EV_SEQ_END;
                pop(r);
                return LC_OK;
            }
            if (c == ',') {
                r->p++;
                f->state = f->kind == '{' ? 'k' : 'e';
                continue;
            }
            if ((f->kind == '{' && c == '}') || (f->kind == '[' && c == ']'))
                goto close;
            return fail_unexpected(r, f->kind == '{' ? "',' or '}'" : "',' or ']'");
        }
    close:
        ev->line = r->line;
        ev->col = col_of(r, r->p);
        ev->type = f->kind == '{' ? LC__EV_MAP_END : LC__EV_SEQ_END;
        r->p++;
        pop(r);
        return LC_OK;
    }
}

/* The characters of a number or word to the full scanner: digits, letters, - + . */
#define R10(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, [c + 4] = 1, [c + 5] = 1, \
                [c + 6] = 1, [c + 7] = 1, [c + 8] = 1, [c + 9] = 1
static const unsigned char word_char[256] = {
    ['+'] = 1, ['-'] = 1, ['.'] = 1, R10('0'),
    R10('A'), R10('A' + 10), ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    R10('a'), R10('a' + 10), ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1};
#undef R10

/* The run of decimal digits at q, folded into *mant (mant * 10 + digit for each, modulo
 * 2^64 as one at a time would); returns where it ends. Eight bytes at a time where eight
 * are readable: the digits are the bytes whose high nibble is 3 both as they are and
 * with 6 added (a carry out of a byte of 0xfa or more reaches only bytes after that
 * non-digit), and up to eight of them become a number in three multiplications. */
static inline const char *digit_run(const char *q, const char *end, uint64_t *mant)
{
    static const uint32_t pow10_8[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                        100000000};
    uint64_t m = *mant;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t nib = UINT64_C(0xF0F0F0F0F0F0F0F0), threes = UINT64_C(0x3030303030303030);
    while (end - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        uint64_t other = ((w & nib) ^ threes) | (((w + UINT64_C(0x0606060606060606)) & nib) ^ threes);
        unsigned n = other ? (unsigned)__builtin_ctzll(other) / 8 : 8;
        if (n == 0)
            break;
        /* The n digits to the top bytes, zeros below them; then pairs, fours, eight. */
        uint64_t v = (w & UINT64_C(0x0F0F0F0F0F0F0F0F)) << (8 * (8 - n));
        v = (v * 2561) >> 8;
        v = ((v & UINT64_C(0x00FF00FF00FF00FF)) * 6553601) >> 16;
        v = ((v & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001)) >> 32;
        m = m * pow10_8[n] + (uint32_t)v;
        q += n;
        if (n < 8) {
            *mant = m;
            return q;
        }
    }
#endif
    for (; q < end && (unsigned)(*q - '0') < 10; q++)
        m = m * 10 + (uint64_t)(*q - '0');
    *mant = m;
    return q;
}

/* What lc__reader_flat_map accepts as a value: a string with neither escapes nor bytes
 * outside printable ASCII, or a run of number characters that is not a word (true,
 * false, null and the misspellings the full scanner reports). Both give the event the
 * full scanner would. */
static const char *flat_value(const char *p, const char *end, lc__event *ev)
{
    if (*p == '"') {
        const char *q = ++p;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* Eight bytes at a time: the first quote, backslash, control character or byte
         * outside ASCII is the lowest flagged byte (the "has a zero byte" trick flags
         * wrongly only above a true match), found by counting trailing zero bits. */
        const uint64_t ones = UINT64_C(0x0101010101010101), high = ones * 0x80;
        while (end - q >= 8) {
            uint64_t w, x, y;
            memcpy(&w, q, 8);
            x = w ^ (ones * '"');
            y = w ^ (ones * '\\');
            uint64_t m = (((x - ones) & ~x) | ((y - ones) & ~y) | (w - ones * 0x20) | w) & high;
            if (m) {
                q += __builtin_ctzll(m) >> 3;
                goto stop;
            }
            q += 8;
        }
#endif
        while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 &&
               (unsigned char)*q < 0x80)
            q++;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    stop:
#endif
        if (q >= end || *q != '"')
            return NULL;
        ev->s = p;
        ev->len = (size_t)(q - p);
        ev->quoted = true;
        ev->plain = true;
        return q + 1;
    }
    if (*p >= 'a' && *p <= 'z')
        return NULL;
    /* The digits of a plain decimal are gathered on the way (lc__plain_value's rule), so
     * that the loader need not read them again. */
    const char *q = p;
    bool neg = *q == '-';
    if (neg || *q == '+')
        q++;
    uint64_t mant = 0;
    const char *d = q;
    q = digit_run(q, end, &mant);
    size_t digits = (size_t)(q - d), frac = 0;
    if (q < end && *q == '.') {
        d = ++q;
        q = digit_run(q, end, &mant);
        frac = (size_t)(q - d);
        digits += frac;
    }
    const char *t = q;
    while (t < end && word_char[(unsigned char)*t])
        t++;
    if (t == p)
        return NULL;
    ev->s = p;
    ev->len = (size_t)(t - p);
    if (t == q && digits && digits <= 19 && frac <= 22 && mant <= (UINT64_C(1) << 53)) {
        ev->has_num = true;
        ev->num = lc__plain_value(mant, frac, neg);
    }
    return t;
}

static const char *flat_space(const char *p, const char *end)
{
    /* None (compact JSON) or one space (after ':' and ',') are the usual cases. */
    if (end - p >= 2) {
        if (*p != ' ' && *p != '\t')
            return p;
        if (p[1] != ' ' && p[1] != '\t')
            return p + 1;
    }
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

bool lc__reader_flat_off;

/* Key "k" at p, and the spaces after; NULL if the text has anything else there. Two
 * 8-byte loads and a mask where 16 bytes remain, a comparison otherwise. */
static const char *flat_key(const char *p, const char *end, const lc__flat_key *k)
{
    if ((size_t)(end - p) < k->len)
        return NULL;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end - p >= 16) {
        uint64_t t0, t1, k0, k1;
        memcpy(&t0, p, 8);
        memcpy(&t1, p + 8, 8);
        memcpy(&k0, k->quoted, 8);
        memcpy(&k1, k->quoted + 8, 8);
        /* The first len bytes count: the low bytes of each word (masks made with the key). */
        if (((t0 ^ k0) & k->mask[0]) | ((t1 ^ k1) & k->mask[1]))
            return NULL;
        if (k->len > 16 && memcmp(p + 16, k->quoted + 16, k->len - 16) != 0)
            return NULL;
        return flat_space(p + k->len, end);
    }
#endif
    if (memcmp(p, k->quoted, k->len) != 0)
        return NULL;
    return flat_space(p + k->len, end);
}

/* Whether the 32 bytes at p, of which 32 are readable, match "pat" where "bits" has a
 * bit set (bit i for byte i). */
static inline bool same_bits32(const char *p, const char *pat, uint32_t bits)
{
#ifdef __SSE2__
    __m128i a0 = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i a1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    __m128i b0 = _mm_loadu_si128((const __m128i *)(const void *)pat);
    __m128i b1 = _mm_loadu_si128((const __m128i *)(const void *)(pat + 16));
    uint32_t eq = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a0, b0)) |
                  (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a1, b1)) << 16;
    return (~eq & bits) == 0;
#else
    for (unsigned i = 0; bits >> i; i++)
        if ((bits >> i & 1) && p[i] != pat[i])
            return false;
    return true;
#endif
}

/* At p, after a '{' ("first") or after a value: key "k" with its separators as most
 * writers space them, in one comparison; where it ends, or NULL for another spelling
 * (which flat_key and flat_space then read, with the same result). */
static inline const char *usual_key(const char *p, const char *end, const lc__flat_key *k,
                                    bool first)
{
    if (end - p < 32 || !same_bits32(p, first ? k->first : k->next,
                                     first ? k->first_bits : k->next_bits))
        return NULL;
    return flat_space(p + (first ? k->first_len : k->next_len), end);
}

/* The n pairs of a flat mapping's start, from just after its '{'; returns where they end,
 * or NULL where the text leaves the usual shape. Nothing is consumed. */
static const char *flat_pairs(lc__reader *r, const lc__flat_key *keys, int need, int n,
                              lc__event *vals, int *got)
{
    if (lc__reader_flat_off || !r->json || r->failed || r->depth == 0 ||
        r->stack[r->depth - 1].kind != '{' || r->stack[r->depth - 1].state != 'o')
        return NULL;
    const char *p = r->p, *end = r->end;
    *got = 0;
    for (int i = 0; i < n; i++) {
        const char *u = usual_key(p, end, &keys[i], i == 0);
        if (u) {
            p = u;
        } else {
            p = flat_space(p, end);
            if (i >= need && p < end && *p == '}')
                break; /* the optional keys may end early */
            if (i) {
                if (p >= end || *p != ',')
                    return NULL;
                p = flat_space(p + 1, end);
            }
            if (!(p = flat_key(p, end, &keys[i])))
                return NULL;
            if (p >= end || *p != ':')
                return NULL;
            p = flat_space(p + 1, end);
        }
        if (p >= end)
            return NULL;
        lc__event *ev = &vals[i];
        memset(ev, 0, sizeof(*ev));
        ev->type = LC__EV_SCALAR;
        ev->line = r->line;
        ev->col = col_of(r, p);
        if (!(p = flat_value(p, end, ev)))
            return NULL;
        *got = i + 1;
    }
    return flat_space(p, end);
}

int lc__reader_flat_map(lc__reader *r, const lc__flat_key *keys, int need, int n,
                        lc__event *vals)
{
    int got;
    const char *p = flat_pairs(r, keys, need, n, vals, &got);
    if (!p || p >= r->end || *p != '}')
        return 0;
    r->p = p + 1;
    pop(r);
    return got;
}

int lc__reader_flat_item(lc__reader *r, const lc__flat_key *keys, int need, int n,
                         lc__event *start, lc__event *vals)
{
    if (lc__reader_flat_off || !r->json || r->failed || r->depth == 0 ||
        r->depth + r->depth_base == LC__JSON_MAX_DEPTH)
        return 0;
    lc__jframe *f = &r->stack[r->depth - 1];
    if (f->kind != '[' || (f->state != 'a' && f->state != ','))
        return 0;
    const char *p = flat_space(r->p, r->end), *end = r->end;
    if (f->state == ',') {
        if (p >= end || *p != ',')
            return 0;
        p = flat_space(p + 1, end);
    }
    if (p >= end || *p != '{')
        return 0;
    /* Into the mapping as lc__reader_next goes, and back out if its text is not the
     * usual shape. */
    const char *was = r->p;
    char state = f->state;
    f->state = ',';
    enter(r, '{', 'o');
    r->p = p + 1;
    int got = lc__reader_flat_map(r, keys, need, n, vals);
    if (!got) {
        r->depth--;
        f->state = state;
        r->p = was;
        return 0;
    }
    memset(start, 0, sizeof(*start));
    start->type = LC__EV_MAP;
    start->line = r->line;
    start->col = col_of(r, p);
    return got;
}

bool lc__reader_flat_open(lc__reader *r, const lc__flat_key *keys, int n, lc__event *vals,
                          const lc__flat_key *seq_key, lc__event *seq)
{
    int got;
    const char *p = flat_pairs(r, keys, n, n, vals, &got), *end = r->end;
    if (!p || r->depth + r->depth_base == LC__JSON_MAX_DEPTH)
        return false;
    const char *u = usual_key(p, end, seq_key, n == 0);
    if (u) {
        p = u;
    } else {
        if (n) {
            if (p >= end || *p != ',')
                return false;
            p = flat_space(p + 1, end);
        }
        if (!(p = flat_key(p, end, seq_key)))
            return false;
        if (p >= end || *p != ':')
            return false;
        p = flat_space(p + 1, end);
    }
    if (p >= end || *p != '[')
        return false;
    memset(seq, 0, sizeof(*seq));
    seq->type = LC__EV_SEQ;
    seq->line = r->line;
    seq->col = col_of(r, p);
    /* Where lc__reader_next would be after the SEQ event of that key's value. */
    r->stack[r->depth - 1].state = ',';
    r->p = p + 1;
    enter(r, '[', 'a');
    return true;
}

const char *lc__reader_next_item(lc__reader *r)
{
    if (!r->json || r->failed || r->depth == 0 || r->stack[r->depth - 1].kind != '[')
        return NULL;
    const char *p = r->p, *end = r->end;
    char state = r->stack[r->depth - 1].state;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (state == ',') {
        if (p >= end || *p != ',')
            return NULL;
        for (p++; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
            ;
    } else if (state != 'a') {
        return NULL;
    }
    return p < end && *p != ']' ? p : NULL;
}

void lc__reader_where(const lc__reader *r, const char **p, unsigned *line, const char **line_start)
{
    *p = r->p;
    *line = r->line;
    *line_start = r->line_start;
}

void lc__reader_jump(lc__reader *r, const char *p, unsigned line, const char *line_start)
{
    r->p = p;
    r->line = line;
    r->line_start = line_start;
}
