/*
 * canon.h - what a document means, independent of how it is spelled.
 *
 * One scalar resolver decides whether a plain scalar is null, a boolean, a number or a
 * string (YAML 1.2 core schema, with '_' digit separators as the loaders read numbers),
 * and the JSON Canonicalization Scheme (RFC 8785) serialises a tree as the one text
 * that digests hash and that any JSON tool can recompute.
 */
#ifndef LC_CANON_H
#define LC_CANON_H

#include "syntax/node.h"

typedef enum lc__scalar_type {
    LC__SCALAR_NULL,
    LC__SCALAR_BOOL,
    LC__SCALAR_NUMBER, /* possibly infinite (.inf) or NaN (.nan) */
    LC__SCALAR_STRING
} lc__scalar_type;

/* The type of scalar "n"; "*num" or "*b" receive the value of a number or a boolean.
 * Quoted and block scalars are strings. */
lc__scalar_type lc__scalar_resolve(const lc__node *n, double *num, bool *b);

/* Decides whether the member "path[depth-1]" at "path" (keys from the root; NULL for a
 * sequence item) is left out of the serialisation. */
typedef bool (*lc__jcs_skip_fn)(void *ctx, const char *const *path, size_t depth);

/* Appends the RFC 8785 text of "root" to "out": members sorted by their keys' UTF-16
 * code units, numbers as ECMAScript prints them, strings with the minimal escapes.
 * Aliases are expanded. "extra_key"/"extra_json" (both or neither) add one member, whose
 * value is already canonical JSON, to the root mapping. Non-finite numbers, which JSON
 * lacks, are written as the strings ".inf", "-.inf" and ".nan". Returns LC_EINPUT with a
 * diagnostic in "d" for a key that is not a scalar, or output beyond out's limit. */
lc_status lc__jcs_write(const lc__node *root, lc__jcs_skip_fn skip, void *ctx,
                        const char *extra_key, const char *extra_json, lc__buf *out,
                        const char *file, lc_diags *d);

/* Appends "s" (length "len") as a JSON string with RFC 8785's escapes. */
void lc__jcs_string(lc__buf *out, const char *s, size_t len);

/* <0, 0, >0 as "a" sorts before, with or after "b" by UTF-16 code units (RFC 8785 3.2.3);
 * both are valid UTF-8. */
int lc__utf16_cmp(const char *a, const char *b);

#endif
