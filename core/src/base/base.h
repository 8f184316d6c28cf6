/*
 * lc_int.h - declarations shared by the library's source files but not exported.
 *
 * Internal functions carry the lc__ prefix. They are hidden from the shared library's
 * symbol table but linked into the unit tests through the core object library.
 */
#ifndef LC_INT_H
#define LC_INT_H

#include "levcal/levcal.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define LC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LC_PRINTF(f, a)
#endif

#ifdef NDEBUG
#define lc_assert(c) ((void)0)
#else
#include <assert.h>
#define lc_assert(c) assert(c)
#endif

#define LC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Whether caller-allocated struct "*p" of "type" is at least its first version, which
 * ended with field "last": its size field covers every field up to "last". */
#define LC__SIZE_COVERS(p, type, last)                                                     \
    ((p)->size >= offsetof(type, last) + sizeof(((type *)0)->last))

/* ==== Allocation (alloc.c) ============================================== */

/* All allocation goes through these, so tests can replace the allocator and fail the
 * Nth call. Sizes of zero are legal and return a unique pointer or NULL. */
void *lc__malloc(size_t n);
void *lc__calloc(size_t count, size_t size);
void *lc__realloc(void *p, size_t n);

/* Room for element n of the growing array "v" of *cap elements of "size" bytes: "v" as it
 * is while n < *cap, else "v" grown to twice *cap (to "first" from empty) and *cap with
 * it. NULL when out of memory, "v" and *cap then untouched. */
void *lc__grow_slow(void *v, size_t *cap, size_t size, size_t first);
static inline void *lc__grow(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
    return n < *cap ? v : lc__grow_slow(v, cap, size, first);
}
void lc__free(void *p);
char *lc__strndup(const char *s, size_t n);
char *lc__strdup(const char *s);

/* ==== Diagnostics (diag.c) ============================================== */

/* Appends a record to "d" (which may be NULL: the record is then dropped). Returns
 * LC_ENOMEM if the record could not be stored, LC_OK otherwise. */
lc_status lc__diag_add(lc_diags *d, lc_severity sev, lc_diag_code code, const char *file,
                       unsigned line, unsigned col, const char *fmt, ...) LC_PRINTF(7, 8);
lc_status lc__diag_vadd(lc_diags *d, lc_severity sev, lc_diag_code code, const char *file,
                        unsigned line, unsigned col, const char *fmt, va_list ap)
    LC_PRINTF(7, 0);

/* Rewrites NUL-terminated "s" (room "cap") with control bytes as \xNN, for output read
 * by people; at most 1023 bytes of it are kept. */
void lc__escape_ctl(char *s, size_t cap);

/* The candidate closest to "word" by edit distance if it is a plausible typo of it
 * (distance at most 2, and less than half the word), else NULL. */
const char *lc__did_you_mean(const char *word, const char *const *cands, size_t n);

/* The same over "n" structs "stride" bytes apart, "names" pointing at the first one's
 * `const char *` name field: no copy of the names, so no limit on their number. */
const char *lc__did_you_mean_in(const char *word, const void *names, size_t n, size_t stride);

/* The hash of the small open-addressing indexes (markets by name, accounts by id): every
 * byte counts, taken eight at a time (the last word overlapping the one before), or as
 * two 4-byte halves, each word mixed in by a multiplication; a last mix brings the high
 * bits down to the low ones the indexes use (a product's low bits see only the low bits
 * of what was multiplied). Names and ids are short: a byte at a time, hashing cost as
 * much as the rest of a position's market lookup. */
static inline uint64_t lc__hash_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
    return h ^ (h >> 29);
}

static inline uint32_t lc__hash(const char *s, size_t len)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ len;
    if (len >= 8) {
        size_t i = 0;
        uint64_t w;
        for (; i + 8 < len; i += 8) {
            memcpy(&w, s + i, 8);
            h = lc__hash_mix(h, w);
        }
        memcpy(&w, s + len - 8, 8);
        h = lc__hash_mix(h, w);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        h = lc__hash_mix(h, (uint64_t)a << 32 | b);
    } else {
        uint64_t w = 0;
        for (size_t i = 0; i < len; i++)
            w = w << 8 | (unsigned char)s[i];
        h = lc__hash_mix(h, w);
    }
    h ^= h >> 32;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    return (uint32_t)(h ^ (h >> 29));
}

/* Whether the n bytes at a and b are the same: 4 to 16 bytes (names, ids) as two
 * overlapping words each, without a call; others with memcmp. */
static inline bool lc__same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 4 && n <= 8) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b0, b, 4);
        memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n > 8 && n <= 16) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8);
        memcpy(&a1, a + n - 8, 8);
        memcpy(&b0, b, 8);
        memcpy(&b1, b + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return memcmp(a, b, n) == 0;
}

/* ==== Arena (arena.c) =================================================== */

/* A bump allocator for data that lives and dies together (a policy's strings, a
 * portfolio's account ids, an evaluation's results). Blocks are chained; a reset or a
 * rewind to a mark keeps the ordinary blocks for reuse, so an arena used over and over
 * (one evaluation after another, scratch space per account) stops calling malloc once it
 * has grown to what one round needs. */
typedef struct lc__arena_block lc__arena_block;
typedef struct lc__arena {
    lc__arena_block *head;  /* newest ordinary block, allocation happens here */
    lc__arena_block *big;   /* blocks of their own for requests above block_size */
    lc__arena_block *spare; /* ordinary blocks a reset or rewind handed back */
    size_t block_size;      /* size of an ordinary block */
} lc__arena;

/* A point to rewind to: everything allocated after it is released at once. */
typedef struct lc__arena_mark {
    lc__arena_block *head, *big;
    size_t used;
} lc__arena_mark;

void lc__arena_init(lc__arena *a, size_t block_size);
void *lc__arena_alloc(lc__arena *a, size_t n); /* 8-byte aligned; NULL on OOM */
char *lc__arena_strndup(lc__arena *a, const char *s, size_t n);
lc__arena_mark lc__arena_save(const lc__arena *a);
void lc__arena_rewind(lc__arena *a, lc__arena_mark m); /* pointers from after m die */
void lc__arena_reset(lc__arena *a);                    /* every pointer dies; blocks kept */
void lc__arena_free(lc__arena *a);
/* Moves every block of "from" into "a": what was allocated from "from" now lives and dies
 * with "a"; "from" is left empty. */
void lc__arena_adopt(lc__arena *a, lc__arena *from);

/* ==== Files (file.c) ==================================================== */

/* Reads "path" ("-": standard input) whole into a NUL-terminated buffer the caller
 * frees with lc__free. On failure adds a diagnostic naming the file and the reason. */
lc_status lc__read_file(const char *path, char **pbuf, size_t *plen, lc_diags *d);

/* A whole input file in memory: mapped when it is a regular file (no copy, no zeroed
 * buffer), read otherwise (standard input, pipes). Not NUL-terminated. */
typedef struct lc__file {
    const char *data;
    size_t len;
    void *map;   /* mmap'ed region, or NULL */
    char *heap;  /* read buffer, or NULL */
} lc__file;

lc_status lc__file_open(lc__file *f, const char *path, lc_diags *d);
void lc__file_close(lc__file *f);

/* The pages of a mapped input that its readers are done with. A large book is read once,
 * front to back, by its hash (on a thread of its own) and by its parser (one reader per
 * part of the text): the pages behind all of them go back to the kernel as they go, so
 * that the book does not stay resident whole while what was read from it grows. Only
 * for lc__file's map, a private read-only mapping of a file: a page read again comes
 * back from the page cache, where anonymous memory would come back zeroed. */
typedef struct lc__behind {
    const char *base;       /* the mapped text; NULL: nothing is ever handed back */
    _Atomic size_t hashed;  /* how far the hash has read */
} lc__behind;

/* The step in which readers hand pages back: a few calls for a large book. */
#define LC__BEHIND_STEP ((size_t)4 << 20)

/* Hands back the whole pages of [from, to) that the hash has read too; returns where the
 * next call should start (from, when nothing was handed back). "b" may be NULL. */
const char *lc__behind_drop(lc__behind *b, const char *from, const char *to);

/* The directory part of "path" joined with "rel" unless "rel" is absolute; caller frees. */
char *lc__path_join_dir(const char *path, const char *rel);

/* ==== Text buffer (buf.c) =============================================== */

/* A NUL-terminated text built in memory. "limit" (0: none) caps its length; past it, or
 * after a failed allocation, appends do nothing and lc__buf_status says LC_EINPUT (too
 * big) or LC_ENOMEM. Zero-initialised means empty and unlimited. */
typedef struct lc__buf {
    char *p;     /* the text, NUL-terminated once anything is appended; caller frees */
    size_t len;
    size_t cap;
    size_t limit;
    bool oom;
    bool toobig;
} lc__buf;

void lc__buf_init(lc__buf *b, size_t limit);
void lc__buf_free(lc__buf *b);
void lc__buf_mem(lc__buf *b, const char *s, size_t n);
void lc__buf_str(lc__buf *b, const char *s);
void lc__buf_char(lc__buf *b, char c);
void lc__buf_fill(lc__buf *b, char c, size_t n);
void lc__buf_printf(lc__buf *b, const char *fmt, ...) LC_PRINTF(2, 3);
lc_status lc__buf_status(const lc__buf *b);

/* ==== Hashes (hash.c) =================================================== */

/* SHA-256 (libcrypto's) as 64 lowercase hex digits and a NUL. */
#define LC__SHA256_HEX 65

void lc__sha256_hex(const void *buf, size_t len, char out[LC__SHA256_HEX]);
/* The same, in steps that tell "b" (NULL: in one) how far the hash has read. */
void lc__sha256_hex_behind(const void *buf, size_t len, char out[LC__SHA256_HEX],
                           lc__behind *b);

/* The SHA-256 of the whole file at "path"; on failure a diagnostic names the file. */
lc_status lc__sha256_file(const char *path, char out[LC__SHA256_HEX], lc_diags *d);

/* "n" bytes as 2n lowercase hex digits and a NUL. */
void lc__hex(const unsigned char *b, size_t n, char *out);

/* ==== Numbers (num.c, dtoa.c) =========================================== */

/* Parses the whole of "s" (length "len") as a decimal number: YAML 1.2 core syntax
 * ([-+]? digits [. digits] [e [-+] digits], or .5), with '_' allowed between integer
 * digits. Correctly rounded. Returns false if the text is not a number; a number too
 * large for a double parses as +-infinity and the caller rejects it. */
bool lc__parse_number(const char *s, size_t len, double *out);

/* The value lc__parse_number gives [-+]digits[.digits] (digits on at least one side)
 * when there are at most 19 digits in all, at most 22 after the point, and they make at
 * most 2^53: the digits "mant", "frac" of them after the point, exactly rounded. For
 * scanners that gather the digits as they go; they check those limits first. */
extern const double lc__exact_pow10[23];
static inline double lc__plain_value(uint64_t mant, size_t frac, bool neg)
{
    double v = (double)mant / lc__exact_pow10[frac];
    return neg ? -v : v;
}

/* True for the spellings of infinity and NaN that YAML and other tools use (.inf, .nan,
 * inf, nan, Infinity...), so loaders can say "expected a finite number". */
bool lc__is_nonfinite_word(const char *s, size_t len);

/* Writes the shortest digits of finite "v" that read back to the same double (Dragonbox,
 * Schubfach for the rest; see dtoa.c), in JSON syntax, to "out" (at least 32 bytes).
 * Returns the length; no NUL written. */
size_t lc__dtoa(double v, char *out);
/* The same text, for values that are seldom short decimals (see dtoa.c). */
size_t lc__dtoa_long(double v, char *out);

/* Writes "u" in decimal with at least "min_digits" (<= 20) digits, zero-padded on the
 * left, to "out", which has room for 24 bytes: the digits are stored as whole words,
 * so bytes past them may be written too. Returns the number of digits. */
size_t lc__write_digits(uint64_t u, int min_digits, char *out);

/* lc__dtoa into "buf" (at least 40 bytes) with a NUL, for messages; returns "buf". */
char *lc__numstr(double v, char *buf);

/* Writes finite "v" with two decimals exactly as printf's "%.2f" does in the default
 * rounding mode (the exact value to the nearest cent, ties to even; "-" whenever the
 * sign bit is set) to "out" (at least 40 bytes); from |v| >= 1e15 on, as lc__dtoa.
 * Returns the length; no NUL written. */
size_t lc__fixed2(double v, char *out);

/* ==== Time (time.c) ===================================================== */

/* 9999-12-31T23:59:59Z and 0000-01-01T00:00:00Z in unix seconds: the times levcal reads. */
#define LC__MAX_UNIX_SECONDS 253402300799.0
#define LC__MIN_UNIX_SECONDS (-62167219200.0)

/* Parses YYYY-MM-DD into days since 1970-01-01; false if not a valid date. */
bool lc__parse_date(const char *s, size_t len, int64_t *day);

/* Writes day "day" as YYYY-MM-DD into "buf" (at least 16 bytes). */
void lc__format_date(int64_t day, char *buf);

/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM]" (UTC when no zone) into
 * unix seconds. */
bool lc__parse_time(const char *s, size_t len, double *secs);

/* ==== Output sink (out.c) =============================================== */

/* A buffered writer over a FILE: reports are written through it in large chunks so that
 * a million-position report costs one write per megabyte, not per field. Or, with no
 * FILE (lc__out_init_mem), a text that grows in memory for its caller to take. */
typedef struct lc__out {
    FILE *f;     /* NULL: the buffer grows instead of being written */
    char *buf;
    size_t len;
    size_t cap;
    bool failed; /* a write to f failed; everything after is dropped */
    bool oom;    /* a writer ran out of memory; set failed too, to drop the rest */
} lc__out;

lc_status lc__out_init(lc__out *o, FILE *f);
lc_status lc__out_finish(lc__out *o); /* flushes, frees, and reports failure */
void lc__out_flush(lc__out *o);
void lc__out_mem(lc__out *o, const char *s, size_t n);
/* As lc__out_mem; a run of a megabyte or more goes straight to the FILE, uncopied. */
void lc__out_write(lc__out *o, const char *s, size_t n);

/* A sink in memory: "buf" (from lc__malloc, "cap" bytes, or NULL for a new one) grows as
 * text is written, by lc__realloc, so it is never flushed and offsets into it stay. */
lc_status lc__out_init_mem(lc__out *o, char *buf, size_t cap);
/* Ends a memory sink: its buffer goes to the caller (*buf, to lc__free; *len bytes of
 * text in *cap), also on failure, when the text is incomplete and this says LC_ENOMEM. */
lc_status lc__out_take(lc__out *o, char **buf, size_t *len, size_t *cap);
void lc__out_str(lc__out *o, const char *s);
/* A string literal, without the strlen; where it fits, without a call (the length is a
 * constant, so the copy becomes a few moves). */
static inline void lc__out_lit_n(lc__out *o, const char *s, size_t n)
{
    if (o->cap - o->len >= n) {
        memcpy(o->buf + o->len, s, n);
        o->len += n;
    } else {
        lc__out_mem(o, s, n);
    }
}
#define lc__out_lit(o, lit) lc__out_lit_n((o), "" lit, sizeof(lit) - 1)
void lc__out_char_n(lc__out *o, char c);
static inline void lc__out_char(lc__out *o, char c)
{
    if (o->len < o->cap)
        o->buf[o->len++] = c;
    else
        lc__out_char_n(o, c);
}
void lc__out_num(lc__out *o, double v); /* JSON number, or null if not finite */
void lc__out_json_str(lc__out *o, const char *s);
void lc__out_printf(lc__out *o, const char *fmt, ...) LC_PRINTF(2, 3);

/* JSON members: ",\"key\":" and a number (null if not finite), or a string (null if
 * NULL). "key" is a string literal, written with its comma: lc__out_key_num(o, ",\"qty\":", v). */
void lc__out_key_num_n(lc__out *o, const char *key, size_t len, double v);
void lc__out_key_str_n(lc__out *o, const char *key, size_t len, const char *s);
/* A run of members written through a local pointer into room reserved for all of them
 * (each takes at most its key's length and LC__PUT_NUM_ROOM bytes): the key and the
 * number, or null if it is not finite, at w; returns the end. Keeping the place in a
 * local spares reloading the buffer's fields after every byte stored. */
#define LC__PUT_NUM_ROOM 32
static inline char *lc__put_key_num(char *w, const char *key, size_t len, double v,
                                    bool seldom_short)
{
    memcpy(w, key, len);
    w += len;
    if (v - v == 0) /* finite */
        return w + (seldom_short ? lc__dtoa_long(v, w) : lc__dtoa(v, w));
    memcpy(w, "null", 4);
    return w + 4;
}
#define lc__put_num(w, key, v) lc__put_key_num((w), "" key, sizeof(key) - 1, (v), false)
#define lc__put_num_long(w, key, v) lc__put_key_num((w), "" key, sizeof(key) - 1, (v), true)

/* The report's most frequent call, inline where the key and a number fit. */
static inline void lc__out_key_num_i(lc__out *o, const char *key, size_t len, double v)
{
    if (o->cap - o->len >= len + LC__PUT_NUM_ROOM)
        o->len = (size_t)(lc__put_key_num(o->buf + o->len, key, len, v, false) - o->buf);
    else
        lc__out_key_num_n(o, key, len, v);
}
#define lc__out_key_num(o, key, v) lc__out_key_num_i((o), "" key, sizeof(key) - 1, (v))
#define lc__out_key_str(o, key, s) lc__out_key_str_n((o), "" key, sizeof(key) - 1, (s))

/* Reserves "n" bytes and returns where to write them; the caller then adds what it
 * wrote to o->len. Never NULL: the buffer is at least 64 KiB and n must be below that. */
static inline char *lc__out_reserve(lc__out *o, size_t n)
{
    lc_assert(n < 65536);
    if (o->cap - o->len < n)
        lc__out_flush(o);
    return o->buf + o->len;
}

#endif
