/*
 * comments.h - the comments of a YAML text, which the event parser drops.
 *
 * `levcal fmt` and `levcal approve` rewrite policies that people annotate; their
 * comments are found from libyaml's token positions (whatever lies between two tokens is
 * whitespace or a comment), so a '#' inside a quoted string is never mistaken for one.
 */
#ifndef LC_COMMENTS_H
#define LC_COMMENTS_H

#include "base/base.h"

typedef struct lc__comment {
    unsigned line, col; /* 1-based, at the '#' */
    const char *text;   /* from '#' to the end of the line, trailing blanks cut; in the buffer */
    size_t len;
    bool own_line;      /* nothing but blanks before it on its line */
} lc__comment;

/* Finds the comments of "buf" in order; *pc is an array in arena "a". LC_EINPUT if the
 * text does not scan as YAML (callers load it first, which reports why). */
lc_status lc__yaml_comments(const char *buf, size_t len, lc__arena *a, lc__comment **pc,
                            size_t *pn);

/* The byte offset in "buf" of 1-based "line" and character column "col" (libyaml's
 * marks count characters); "len" if past the end. */
size_t lc__text_offset(const char *buf, size_t len, unsigned line, unsigned col);

#endif
