/*
 * stream.c - a portfolio read as NDJSON, evaluated and written as NDJSON in runs of
 * accounts, so memory stays bounded whatever the number of accounts.
 *
 * The stream's first line gives the marks (or a --marks file does); each later line is
 * one account. A run of account lines becomes one JSON array whose text keeps every
 * account on its own line number, so the loader's diagnostics name the stream's lines.
 * Account ids are remembered as 64-bit fingerprints only, 8 bytes each, to find one
 * given twice.
 */
#include "base/prefix.h"

#include "engine/engine.h"
#include "load/load.h"
#include "model/portfolio.h"
#include "report/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_ACCOUNTS 4096
#define RUN_BYTES ((size_t)8 << 20)

/* A set of 64-bit fingerprints (0 is never one), 8 bytes an account: the newest in a
 * hash table of fixed size, the older in sorted blocks of BLOCK each, searched by
 * bisection. No slot stands empty but the table's, and nothing is copied twice. */
#define BLOCK ((size_t)1 << 20)
typedef struct idset {
    uint64_t *table;      /* 2 * BLOCK slots */
    size_t n;             /* in the table */
    uint64_t **blocks;    /* full blocks, each sorted */
    size_t n_blocks, cap_blocks;
} idset;

static uint64_t fingerprint(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h | 1;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static bool in_block(const uint64_t *v, uint64_t h)
{
    size_t lo = 0, hi = BLOCK;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < BLOCK && v[lo] == h;
}

/* The table's fingerprints into a sorted block; the table emptied. */
static int seal(idset *s)
{
    uint64_t **b = lc__grow(s->blocks, &s->cap_blocks, s->n_blocks, sizeof(*b), 16);
    if (!b)
        return -1;
    s->blocks = b;
    uint64_t *v = lc__malloc(BLOCK * sizeof(*v));
    if (!v)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < 2 * BLOCK; i++)
        if (s->table[i])
            v[k++] = s->table[i];
    qsort(v, k, sizeof(*v), cmp_u64);
    s->blocks[s->n_blocks++] = v;
    memset(s->table, 0, 2 * BLOCK * sizeof(*s->table));
    s->n = 0;
    return 0;
}

/* Adds "h": 1 when new, 0 when there already, -1 when out of memory. */
static int idset_add(idset *s, uint64_t h)
{
    if (!s->table && !(s->table = lc__calloc(2 * BLOCK, sizeof(*s->table))))
        return -1;
    for (size_t b = 0; b < s->n_blocks; b++)
        if (in_block(s->blocks[b], h))
            return 0;
    size_t mask = 2 * BLOCK - 1, j = (size_t)(h >> 7) & mask;
    while (s->table[j]) {
        if (s->table[j] == h)
            return 0;
        j = (j + 1) & mask;
    }
    s->table[j] = h;
    if (++s->n == BLOCK && seal(s))
        return -1;
    return 1;
}

static void idset_free(idset *s)
{
    for (size_t b = 0; b < s->n_blocks; b++)
        lc__free(s->blocks[b]);
    lc__free(s->blocks);
    lc__free(s->table);
}

typedef struct stream {
    const lc_policy *pol;
    const char *name;
    FILE *out;
    const lc_write_options *wo;
    lc_diags *d;
    lc_portfolio *head;     /* marks, open interest, as_of */
    lc__buf run;            /* the run's array text */
    unsigned *lines;        /* each account of the run: its line */
    size_t n_run, cap_lines;
    unsigned first;         /* the line the run's text starts at */
    size_t blank;           /* blank lines since the run's last account */
    idset ids;
    lc_summary sum;
} stream;

static bool blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i]))
            return false;
    return true;
}

/* Evaluates and writes the run, then empties it. */
static lc_status flush(stream *st)
{
    if (!st->n_run)
        return LC_OK;
    /* On the last account's own line: a line cut short is reported there. */
    lc__buf_char(&st->run, ']');
    lc_status rc = lc__buf_status(&st->run);
    lc_portfolio *pf = NULL;
    if (rc == LC_OK)
        rc = lc__portfolio_load_chunk(st->pol, st->name, st->run.p, st->run.len, st->first,
                                      st->head, &pf, st->d);
    for (size_t i = 0; rc == LC_OK && i < pf->n_accts; i++) {
        int added = idset_add(&st->ids, fingerprint(pf->accts[i].id));
        if (added < 0) {
            rc = LC_ENOMEM;
        } else if (!added) {
            lc__diag_add(st->d, LC_SEV_ERROR, LC_DIAG_DUPLICATE, st->name, st->lines[i], 1,
                         "account id '%s' given again in the stream", pf->accts[i].id);
            rc = LC_EINPUT;
        }
    }
    if (rc == LC_OK) {
        lc_summary part = LC_SUMMARY_INIT;
        rc = lc__evaluate_write_lines(st->pol, pf, st->out, st->wo, &part);
        lc__summary_merge(&st->sum, &part);
    }
    lc_portfolio_free(pf);
    st->run.len = 0;
    st->n_run = 0;
    st->blank = 0;
    return rc;
}

/* Adds account line "s" (line "line" of the stream) to the run. */
static lc_status add_account(stream *st, const char *s, size_t n, unsigned line)
{
    unsigned *v = lc__grow(st->lines, &st->cap_lines, st->n_run, sizeof(*v), 256);
    if (!v)
        return LC_ENOMEM;
    st->lines = v;
    if (st->n_run == 0) {
        /* "[" on the line before, so the first account keeps its line and columns. */
        st->first = line - 1;
        lc__buf_str(&st->run, "[\n");
    } else {
        lc__buf_char(&st->run, ',');
        for (size_t i = 0; i <= st->blank; i++)
            lc__buf_char(&st->run, '\n');
    }
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    lc__buf_mem(&st->run, s, n);
    st->lines[st->n_run++] = line;
    st->blank = 0;
    return lc__buf_status(&st->run);
}

/* The marks from the stream's first line or from the --marks file. */
static lc_status read_head(stream *st, const char *text, size_t len, const char *name,
                           bool json, unsigned line)
{
    lc__buf b;
    lc__buf_init(&b, 0);
    /* Blank lines before it keep the line number: the reader counts from 1. */
    for (unsigned i = 1; i < line; i++)
        lc__buf_char(&b, '\n');
    lc__buf_mem(&b, text, len);
    lc_status rc = lc__buf_status(&b);
    if (rc == LC_OK)
        rc = lc__portfolio_load_head(st->pol, name, b.p, b.len, json, &st->head, st->d);
    lc__free(b.p);
    return rc;
}

lc_status lc_evaluate_stream(const lc_policy *pol, FILE *in, const lc_stream_options *o,
                             FILE *out, lc_summary *summary, lc_diags *diags)
{
    if (!pol || !in || !out || !o || !LC__SIZE_COVERS(o, lc_stream_options, write) ||
        (summary && !LC__SIZE_COVERS(summary, lc_summary, first_script_error)) ||
        (o->write && (!LC__SIZE_COVERS(o->write, lc_write_options, sort) ||
                      o->write->sort != LC_SORT_NONE)))
        return LC_EINVAL;
    stream st;
    memset(&st, 0, sizeof st);
    st.pol = pol;
    st.name = o->name ? o->name : "-";
    st.out = out;
    st.wo = o->write;
    st.d = diags;
    st.sum = (lc_summary)LC_SUMMARY_INIT;
    lc__buf_init(&st.run, 0);
    lc_status rc = LC_OK;
    if (o->marks) {
        char *text = NULL;
        size_t len = 0;
        rc = lc__read_file(o->marks, &text, &len, diags);
        if (rc == LC_OK) {
            const char *dot = strrchr(o->marks, '.');
            bool yaml = dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0);
            rc = read_head(&st, text, len, o->marks, !yaml && lc__looks_like_json(text, len), 1);
        }
        lc__free(text);
    }
    /* With workers, runs long enough to give each a few blocks. */
    unsigned threads = o->write && LC__SIZE_COVERS(o->write, lc_write_options, threads) &&
                               o->write->threads > 1
                           ? o->write->threads : 1;
    size_t run_accounts = RUN_ACCOUNTS * (threads > 1 ? 4 * (size_t)threads : 1);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    while (rc == LC_OK && (n = getline(&line, &cap, in)) >= 0) {
        lineno++;
        if (blank_line(line, (size_t)n)) {
            st.blank++;
            continue;
        }
        if (!st.head) {
            if (!strstr(line, "\"marks\"")) {
                lc__diag_add(diags, LC_SEV_ERROR, LC_DIAG_MISSING, st.name, lineno, 1,
                             "expected the stream's marks first ({\"marks\": {...}}, then one "
                             "account per line), or --marks FILE");
                rc = LC_EINPUT;
                break;
            }
            rc = read_head(&st, line, (size_t)n, st.name, true, lineno);
            st.blank = 0;
            continue;
        }
        rc = add_account(&st, line, (size_t)n, lineno);
        if (rc == LC_OK && (st.n_run >= run_accounts || st.run.len >= RUN_BYTES * threads))
            rc = flush(&st);
    }
    if (rc == LC_OK && ferror(in)) {
        lc__diag_add(diags, LC_SEV_ERROR, LC_DIAG_FILE, st.name, 0, 0, "cannot read the stream");
        rc = LC_EIO;
    }
    if (rc == LC_OK && !st.head) {
        lc__diag_add(diags, LC_SEV_ERROR, LC_DIAG_MISSING, st.name, lineno ? lineno : 1, 1,
                     "expected the stream's marks ({\"marks\": {...}}) on its first line, "
                     "or --marks FILE; got %s", lineno ? "only blank lines" : "an empty stream");
        rc = LC_EINPUT;
    }
    if (rc == LC_OK)
        rc = flush(&st);
    if (rc == LC_OK) {
        /* The summary line last: a stream that stopped early has none. */
        lc__out ou;
        if (lc__out_init(&ou, out)) {
            rc = LC_ENOMEM;
        } else {
            lc__ndjson_summary_line(&ou, pol, &st.sum);
            rc = lc__out_finish(&ou);
        }
        lc__summary_copy(summary, &st.sum);
    }
    free(line);
    lc__free(st.run.p);
    lc__free(st.lines);
    idset_free(&st.ids);
    lc_portfolio_free(st.head);
    return rc;
}
