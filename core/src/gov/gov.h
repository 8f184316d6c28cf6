/*
 * gov.h - governance inside the library: lint rules, the canonical text form, approvals
 * and signatures. The public entry points are in levcal.h; this is what they share.
 */
#ifndef LC_GOV_H
#define LC_GOV_H

#include "base/base.h"
#include "syntax/node.h"

#include <stdio.h>

/* The canonical YAML text of the policy in "buf" (which must load: callers check) into
 * "out", comments kept. */
lc_status lc__fmt(const char *name, const char *buf, size_t len, lc__buf *out, lc_diags *d);

/* Appends string "s" as fmt writes it: plain when that reads back as the same string,
 * double-quoted otherwise ("flow": inside {...} or [...]). */
void lc__fmt_string(lc__buf *o, const char *s, size_t len, bool flow);

/* lc_lint of one policy text "text" named "name", no rule disabled but its own. */
lc_status lc__lint_text(const char *name, const char *text, size_t len, lc_diags *out);

/* Parses "buf" into a located tree in arena "a" (diagnostics to "d"). */
lc_status lc__gov_parse(const char *name, const char *buf, size_t len, lc__arena *a,
                        lc__node **proot, lc_diags *d);

/* The value of key "key" in mapping "m", or NULL; *pk receives the key node if pk. */
const lc__node *lc__gov_get(const lc__node *m, const char *key, const lc__node **pk);

/* Writes "s" (NULL as "") as a JSON string with RFC 8785's escapes, allocating nothing. */
void lc__gov_json_str(FILE *out, const char *s);
void lc__gov_json_mem(FILE *out, const char *s, size_t len);

/* Writes "s" (NULL as "") escaped for HTML text and attribute values: & < > and ". */
void lc__gov_html_str(FILE *out, const char *s);

/* The same into "buf" of "size" bytes, for a name in a formatted line; a text too long
 * for it is cut and ends in "...". Returns "buf". */
const char *lc__gov_html(const char *s, char *buf, size_t size);

/* A number as people read it, into "buf" (at least 40 bytes): the shortest text that reads
 * back, its whole part in groups of three (1,250,000.5). Returns "buf". */
const char *lc__gov_num(double v, char *buf);

#endif
