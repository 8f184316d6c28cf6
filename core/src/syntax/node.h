/*
 * node.h - a located document tree, and typed access to it with diagnostics.
 *
 * Policies are small, and validating them needs to look around (required keys, order of
 * tiers), so they are read into a tree first. Portfolios are streamed instead, but share
 * the scalar conversions below so that both say "expected a number" the same way.
 */
#ifndef LC_NODE_H
#define LC_NODE_H

#include "syntax/reader.h"

typedef enum lc__node_kind { LC__NODE_SCALAR, LC__NODE_MAP, LC__NODE_SEQ } lc__node_kind;

typedef struct lc__node {
    lc__node_kind kind;
    bool quoted;            /* scalar was quoted: a string, never a number */
    unsigned line, col;     /* 1-based start */
    const char *s;          /* scalar text, NUL-terminated */
    size_t len;
    struct lc__node **kids; /* sequence items, or map keys and values interleaved */
    size_t n;               /* number of kids */
    const char *anchor;     /* YAML &anchor on the node, or NULL */
    bool flow;              /* written as {...} or [...] */
    unsigned end_line, end_col; /* YAML: just past the node (a block collection's end is
                                 * where the next token starts); 0 from JSON */
} lc__node;

/* Builds the tree of the document "r" reads, in arena "a". *proot is NULL for an empty
 * document. Aliases share the anchored node. */
lc_status lc__node_parse(lc__reader *r, lc__arena *a, lc__node **proot);

/* A loader's error context: the file, where records go, and how many errors so far. */
typedef struct lc__ld {
    const char *file;
    lc_diags *diags;
    unsigned n_errors;
    bool oom;
} lc__ld;

/* Reports an error or a warning with stable code "code" at line:col of the loader's file. */
void lc__ld_error(lc__ld *ld, lc_diag_code code, unsigned line, unsigned col, const char *fmt,
                  ...) LC_PRINTF(5, 6);
void lc__ld_warn(lc__ld *ld, lc_diag_code code, unsigned line, unsigned col, const char *fmt,
                 ...) LC_PRINTF(5, 6);

/* Scalar conversions: on failure they report "expected ..., got ..." at the given place
 * and return false. */
bool lc__scalar_number(lc__ld *ld, const char *s, size_t len, bool quoted, unsigned line,
                       unsigned col, double *out);
bool lc__scalar_string(lc__ld *ld, const char *s, size_t len, bool quoted, unsigned line,
                       unsigned col);
bool lc__scalar_bool(lc__ld *ld, const char *s, size_t len, bool quoted, unsigned line,
                     unsigned col, bool *out);

/* The same, for nodes; a non-scalar node is reported as "got a mapping/sequence". */
bool lc__node_number(lc__ld *ld, const lc__node *n, double *out);
bool lc__node_string(lc__ld *ld, const lc__node *n, const char **out);
bool lc__node_bool(lc__ld *ld, const lc__node *n, bool *out);
bool lc__node_integer(lc__ld *ld, const lc__node *n, int64_t *out);
bool lc__node_expect(lc__ld *ld, const lc__node *n, lc__node_kind kind);

/* One allowed key of a mapping. */
typedef struct lc__key {
    const char *name;
    bool required;
} lc__key;

/* Checks map "m" against "keys": unknown keys (with a did-you-mean hint), duplicate keys,
 * missing required keys. vals[i] receives the value of keys[i] or NULL. Returns false if
 * "m" is not a mapping. Key problems are reported but do not stop the caller. */
bool lc__node_map(lc__ld *ld, const lc__node *m, const lc__key *keys, size_t nkeys,
                  const lc__node **vals, const char *what);

/* For maps whose keys are names (markets, models): false, with "WHAT 'name' given twice
 * (first at line N)", when the key at kids[i] of map "m" repeats an earlier key. */
bool lc__node_key_is_new(lc__ld *ld, const lc__node *m, size_t i, const char *what);

/* Reports an unknown key "k" among "keys" (with a hint if close). */
void lc__ld_unknown_key(lc__ld *ld, const char *k, unsigned line, unsigned col,
                        const lc__key *keys, size_t nkeys);

/* "a mapping", "a sequence", "the string 'x'", "'x'" - for "got ..." in messages. */
const char *lc__node_kind_name(lc__node_kind k);

#endif
