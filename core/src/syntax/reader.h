/*
 * reader.h - a pull parser over YAML or JSON text, yielding located events.
 *
 * Both policy and portfolio loaders consume the same events, whatever the syntax: the
 * YAML backend wraps libyaml's event parser, the JSON backend is a scanner of our own
 * that reads a large portfolio several times faster than libyaml would.
 */
#ifndef LC_READER_H
#define LC_READER_H

#include "base/base.h"

typedef enum lc__ev {
    LC__EV_END = 0, /* end of the document */
    LC__EV_MAP,     /* mapping start; keys and values follow as pairs of nodes */
    LC__EV_MAP_END,
    LC__EV_SEQ,     /* sequence start */
    LC__EV_SEQ_END,
    LC__EV_SCALAR,
    LC__EV_ALIAS    /* YAML *alias; s names the anchor */
} lc__ev;

typedef struct lc__event {
    lc__ev type;
    const char *s;      /* scalar text or alias name; borrowed until the next event */
    size_t len;
    const char *anchor; /* YAML &anchor on this node, or NULL; borrowed likewise */
    bool quoted;        /* a quoted scalar is always a string, never a number or null */
    bool plain;         /* the one-step JSON reader's string, the text itself: no escape
                           and no control byte (so no NUL) in it */
    bool flow;          /* YAML: a {...} or [...] collection (MAP and SEQ events) */
    unsigned line, col; /* 1-based start of the node */
    unsigned end_line, end_col; /* YAML: 1-based, just past the node (0 from JSON) */
    bool has_num; /* the one-step JSON reader parsed an unquoted plain decimal: num is */
    double num;   /* the value lc__parse_number gives its text (lc__plain_value) */
} lc__event;

/* A reader over one document; opaque, so that no other layer sees libyaml. */
typedef struct lc__reader lc__reader;

/* True if the text's first significant character opens a JSON object or array. */
bool lc__looks_like_json(const char *buf, size_t len);

/* Opens a reader over "buf" (borrowed until lc__reader_close, which frees the reader).
 * "json" picks the backend. */
lc_status lc__reader_open(lc__reader **pr, const char *file, const char *buf, size_t len,
                          bool json, lc_diags *d);

/* A JSON reader's text starts at line "line" of its file (a part of a larger file). */
void lc__reader_set_line(lc__reader *r, unsigned line);

/* Fills "ev" with the next event. LC_EINPUT after a syntax error (reported once). */
lc_status lc__reader_next(lc__reader *r, lc__event *ev);

/* Consumes the rest of the node that "ev" started (nothing for a scalar). */
lc_status lc__reader_skip(lc__reader *r, const lc__event *ev);

/* A key of lc__reader_flat_map, quoted, as the text must have it: LC__FLAT_KEY("qty").
 * A key too long for it (over 22 bytes) does not compile. */
typedef struct lc__flat_key {
    char quoted[24];
    unsigned len;
    uint64_t mask[2]; /* the bytes of its first two words that count (little-endian) */
    /* The key as most JSON writers space it, with what comes before it: first in its
     * mapping ("\"k\": ") and after a value (", \"k\": "). Each is taken with one
     * comparison of 32 bytes, of which the low "len" bits of "bits" count. */
    char first[32], next[32];
    uint32_t first_bits, next_bits;
    unsigned char first_len, next_len;
} lc__flat_key;
#define LC__FLAT_MASK(n) ((n) >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * ((n) & 7))) - 1)
#define LC__FLAT_KEY(k)                                                                    \
    {"\"" k "\"",                                                                            \
     sizeof(k) + 1,                                                                         \
     {LC__FLAT_MASK(sizeof(k) + 1), sizeof(k) + 1 <= 8 ? 0 : LC__FLAT_MASK(sizeof(k) - 7)}, \
     "\"" k "\": ",                                                                          \
     ", \"" k "\": ",                                                                        \
     (UINT32_C(1) << (sizeof(k) + 3)) - 1,                                                  \
     (UINT32_C(1) << (sizeof(k) + 5)) - 1,                                                  \
     sizeof(k) + 3,                                                                         \
     sizeof(k) + 5}

/* Just after a MAP event from a JSON reader: if the rest of that mapping lies on the
 * same line and is exactly the keys "keys[0..k)" in that order, need <= k <= n, each
 * with a string without escapes or a number as its value, consumes it up to its '}',
 * fills vals[i] with the event lc__reader_next would have given for the value of
 * keys[i] and returns k. Otherwise consumes nothing and returns 0, as a YAML reader
 * always does: the caller reads the mapping event by event, with every diagnostic. */
int lc__reader_flat_map(lc__reader *r, const lc__flat_key *keys, int need, int n,
                        lc__event *vals);

/* The same one step earlier, inside a sequence: where its next item is a mapping on the
 * same line that lc__reader_flat_map would take whole, fills *start with the MAP event
 * lc__reader_next would have given for it, consumes the mapping and returns k; otherwise
 * consumes nothing and returns 0. */
int lc__reader_flat_item(lc__reader *r, const lc__flat_key *keys, int need, int n,
                         lc__event *start, lc__event *vals);

/* The same for the start of a mapping: the keys "keys[0..n)" in order with their values,
 * then key "seq_key" opening a sequence, all on one line. Consumes up to the '[' and
 * fills "seq" with the SEQ event of its value: the caller reads the sequence's items and
 * then the mapping's other keys as usual. Otherwise consumes nothing and returns false. */
bool lc__reader_flat_open(lc__reader *r, const lc__flat_key *keys, int n, lc__event *vals,
                          const lc__flat_key *seq_key, lc__event *seq);

/* A JSON reader over "buf", a run of the items of a sequence that sits "depth" levels deep
 * in its document (the document itself: 1) and whose run starts at "line": as if just
 * after the sequence's '[', with the document's nesting limit. With "open", the text
 * ends after an item and that is the sequence's end; otherwise the sequence's own ']'
 * ends it, and lc__reader_where says where. */
lc_status lc__reader_open_part(lc__reader **pr, const char *file, const char *buf, size_t len,
                               unsigned line, int depth, bool open, lc_diags *d);

/* Inside a JSON sequence, where its next item starts (past the ',' and blanks), without
 * consuming anything; NULL at its end, at text that is no item, or for YAML. */
const char *lc__reader_next_item(lc__reader *r);

/* Where a JSON reader is (its next byte, line and that line's start), and a move to such
 * a place in the same text, in the same container, as after reading up to it. */
void lc__reader_where(const lc__reader *r, const char **p, unsigned *line, const char **line_start);
void lc__reader_jump(lc__reader *r, const char *p, unsigned line, const char *line_start);

/* For tests that check the one-step read against reading event by event: while set,
 * lc__reader_flat_map declines every mapping. */
extern bool lc__reader_flat_off;

/* Closes and frees "r"; NULL is a no-op. */
void lc__reader_close(lc__reader *r);

#endif
