/*
 * reader.c - the YAML backend of the event reader, and what both backends share.
 *
 * libyaml's events are mapped one to one; its 0-based marks become 1-based lines and
 * columns, and its problem/context strings become a single located diagnostic.
 */
#include "base/prefix.h"

#include "syntax/reader_int.h"

#include <string.h>

bool lc__looks_like_json(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return c == '{' || c == '[';
    }
    return false;
}

lc_status lc__reader_open(lc__reader **pr, const char *file, const char *buf, size_t len,
                          bool json, lc_diags *d)
{
    lc__reader *r = lc__calloc(1, sizeof(*r));
    *pr = r;
    if (!r)
        return LC_ENOMEM;
    r->file = file;
    r->diags = d;
    r->json = json;
    if (json) {
        r->p = buf;
        r->end = buf + len;
        r->line_start = buf;
        r->line = 1;
        /* A UTF-8 byte order mark is not JSON, but editors write one. */
        if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            r->p += 3;
            r->line_start = r->p;
        }
        return LC_OK;
    }
    if (!yaml_parser_initialize(&r->yp)) {
        lc__free(r);
        *pr = NULL;
        return LC_ENOMEM;
    }
    r->yinit = true;
    yaml_parser_set_input_string(&r->yp, (const unsigned char *)buf, len);
    return LC_OK;
}

lc_status lc__reader_open_part(lc__reader **pr, const char *file, const char *buf, size_t len,
                               unsigned line, int depth, bool open, lc_diags *d)
{
    lc_status rc = lc__reader_open(pr, file, buf, len, true, d);
    if (rc != LC_OK)
        return rc;
    lc__reader *r = *pr;
    r->p = buf; /* no byte order mark mid-document */
    r->line_start = buf;
    r->line = line;
    r->depth_base = depth - 1;
    r->part_open = open;
    r->stack[0].kind = '[';
    r->stack[0].state = 'a';
    r->depth = 1;
    return LC_OK;
}

void lc__reader_close(lc__reader *r)
{
    if (!r)
        return;
    lc__free(r->scratch);
    if (r->yev_live)
        yaml_event_delete(&r->yev);
    if (r->yinit)
        yaml_parser_delete(&r->yp);
    lc__free(r);
}

static lc_status yaml_fail(lc__reader *r)
{
    yaml_parser_t *yp = &r->yp;
    if (yp->error == YAML_MEMORY_ERROR)
        return LC_ENOMEM;
    unsigned line = (unsigned)yp->problem_mark.line + 1;
    unsigned col = (unsigned)yp->problem_mark.column + 1;
    const char *problem = yp->problem ? yp->problem : "syntax error";
    if (yp->context)
        lc__diag_add(r->diags, LC_SEV_ERROR, LC_DIAG_SYNTAX, r->file, line, col, "invalid YAML: %s %s", problem,
                     yp->context);
    else
        lc__diag_add(r->diags, LC_SEV_ERROR, LC_DIAG_SYNTAX, r->file, line, col, "invalid YAML: %s", problem);
    r->failed = true;
    return LC_EINPUT;
}

static lc_status yaml_next(lc__reader *r, lc__event *ev)
{
    for (;;) {
        if (r->yev_live) {
            yaml_event_delete(&r->yev);
            r->yev_live = false;
        }
        if (!yaml_parser_parse(&r->yp, &r->yev))
            return yaml_fail(r);
        r->yev_live = true;
        yaml_event_t *e = &r->yev;
        memset(ev, 0, sizeof(*ev));
        ev->line = (unsigned)e->start_mark.line + 1;
        ev->col = (unsigned)e->start_mark.column + 1;
        ev->end_line = (unsigned)e->end_mark.line + 1;
        ev->end_col = (unsigned)e->end_mark.column + 1;
        if (e->type == YAML_MAPPING_START_EVENT || e->type == YAML_SEQUENCE_START_EVENT) {
            if (++r->ydepth > LC__MAX_DEPTH) {
                lc__diag_add(r->diags, LC_SEV_ERROR, LC_DIAG_SYNTAX, r->file, ev->line, ev->col,
                             "invalid YAML: nesting deeper than %d levels", LC__MAX_DEPTH);
                r->failed = true;
                return LC_EINPUT;
            }
        } else if (e->type == YAML_MAPPING_END_EVENT || e->type == YAML_SEQUENCE_END_EVENT) {
            r->ydepth--;
        }
        switch (e->type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_NO_EVENT:
            continue;
        case YAML_DOCUMENT_START_EVENT:
            if (r->ydoc_seen) {
                lc__diag_add(r->diags, LC_SEV_ERROR, LC_DIAG_SYNTAX, r->file, ev->line, ev->col,
                             "expected one YAML document, found a second");
                r->failed = true;
                return LC_EINPUT;
            }
            r->ydoc_seen = true;
            continue;
        case YAML_STREAM_END_EVENT:
            ev->type = LC__EV_END;
            return LC_OK;
        case YAML_MAPPING_START_EVENT:
            ev->type = LC__EV_MAP;
            ev->anchor = (const char *)e->data.mapping_start.anchor;
            ev->flow = e->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
            return LC_OK;
        case YAML_MAPPING_END_EVENT:
            ev->type = LC__EV_MAP_END;
            return LC_OK;
        case YAML_SEQUENCE_START_EVENT:
            ev->type = LC__EV_SEQ;
            ev->anchor = (const char *)e->data.sequence_start.anchor;
            ev->flow = e->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
            return LC_OK;
        case YAML_SEQUENCE_END_EVENT:
            ev->type = LC__EV_SEQ_END;
            return LC_OK;
        case YAML_SCALAR_EVENT: {
            ev->type = LC__EV_SCALAR;
            ev->s = (const char *)e->data.scalar.value;
            ev->len = e->data.scalar.length;
            ev->anchor = (const char *)e->data.scalar.anchor;
            const char *tag = (const char *)e->data.scalar.tag;
            ev->quoted = e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                         (tag && strcmp(tag, "tag:yaml.org,2002:str") == 0);
            return LC_OK;
        }
        case YAML_ALIAS_EVENT:
            ev->type = LC__EV_ALIAS;
            ev->s = (const char *)e->data.alias.anchor;
            ev->len = strlen(ev->s);
            return LC_OK;
        }
    }
}

lc_status lc__reader_next(lc__reader *r, lc__event *ev)
{
    if (r->failed)
        return LC_EINPUT;
    return r->json ? lc__json_next(r, ev) : yaml_next(r, ev);
}

lc_status lc__reader_skip(lc__reader *r, const lc__event *ev)
{
    if (ev->type != LC__EV_MAP && ev->type != LC__EV_SEQ)
        return LC_OK;
    int depth = 1;
    lc__event e;
    while (depth) {
        lc_status rc = lc__reader_next(r, &e);
        if (rc)
            return rc;
        if (e.type == LC__EV_MAP || e.type == LC__EV_SEQ)
            depth++;
        else if (e.type == LC__EV_MAP_END || e.type == LC__EV_SEQ_END)
            depth--;
        else if (e.type == LC__EV_END)
            return LC_EINPUT;
    }
    return LC_OK;
}

void lc__reader_set_line(lc__reader *r, unsigned line)
{
    if (r->json)
        r->line = line;
}
