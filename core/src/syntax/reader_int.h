/*
 * reader_int.h - inside the reader: its two backends' state. Only syntax/ includes it, and
 * with it <yaml.h>.
 */
#ifndef LC_SYNTAX_READER_INT_H
#define LC_SYNTAX_READER_INT_H

#include "syntax/reader.h"

#include <yaml.h>

typedef struct lc__jframe {
    char kind;  /* '{' or '[' */
    char state; /* what the JSON scanner expects next inside this container */
} lc__jframe;

/* Nesting deeper than this is refused by both backends at the first level too many: no
 * portfolio or policy needs it, and libyaml's scanner slows quadratically with depth. */
#define LC__MAX_DEPTH 64
#define LC__JSON_MAX_DEPTH LC__MAX_DEPTH

struct lc__reader {
    const char *file; /* label for diagnostics */
    lc_diags *diags;
    bool json;
    bool failed;      /* a syntax error was reported; the reader yields nothing more */

    /* YAML backend */
    yaml_parser_t yp;
    yaml_event_t yev;
    bool yev_live;    /* yev holds an event to delete before the next */
    bool ydoc_seen;
    bool yinit;       /* yp was initialised */
    int ydepth;       /* open mappings and sequences */

    /* JSON backend */
    const char *p, *end, *line_start;
    unsigned line;
    int depth;
    int depth_base;   /* a part of a sequence: the levels above it in its document */
    bool part_open;   /* a part whose sequence goes on past its text */
    bool jdone;       /* the top-level value is complete */
    lc__jframe stack[LC__JSON_MAX_DEPTH];
    char *scratch;    /* unescaped string buffer */
    size_t scratch_cap;
};

/* JSON backend entry point, used by reader.c. */
lc_status lc__json_next(lc__reader *r, lc__event *ev);

#endif
