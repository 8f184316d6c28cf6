/*
 * portfolio_par.c - a large document's accounts list read by several threads at once.
 *
 * The list is cut into parts at line starts between accounts: "},\n{" as a generator
 * writes one account per line. Every part but the first goes to a thread of its own;
 * the document's reader reads the first part, and the rest of the document, as it
 * always does. When it reaches the first cut exactly, it takes the parts in, in order,
 * if each read without a single diagnostic, no id appears twice, and the last part
 * ended at the list's ']' where the document's text has it. Then the result is what
 * one reader gives, byte for byte: the parts are the same bytes read by the same code,
 * with the same line numbers and nesting limit. Otherwise the parts are dropped and the
 * reader reads on by itself, with every diagnostic in its place.
 *
 * A newline never sits inside a JSON string, so a cut never falls inside one. A cut at
 * another depth than the list's leaves a part unbalanced, which it reports, or ends a
 * part at a ']' before its text does, or keeps the first reader from reaching it between
 * two accounts: none of these joins.
 */
#include "base/prefix.h"

#include "load/pscan.h"

#include <pthread.h>
#include <string.h>

#define PAR_MAX_PARTS 64

/* Below this a list is read faster than threads start. */
size_t lc__ps_par_min_bytes = (size_t)1 << 20;
unsigned long lc__ps_par_joined;

typedef struct part {
    const char *text;      /* its accounts */
    size_t len;
    unsigned line;         /* where it starts: 1, its own count; the join adds the rest */
    unsigned base;         /* at the join: the document's line of its first line */
    bool open;             /* the list goes on after it */
    pload s;
    lc_diags diags;
    lc_status rc;
    pthread_t t;
    bool started;
} part;

struct lc__ps_par {
    const lc_policy *pol;
    const char *name;
    const char *close;     /* the list's ']', as the document's end shows it */
    const char *split;     /* the first part's first account: its '{' */
    size_t n;
    part p[PAR_MAX_PARTS];
    bool joined;           /* the threads are done */
};

static void *part_run(void *arg)
{
    part *pt = arg;
    pt->rc = lc__ps_part_scan(&pt->s, pt->s.pol, pt->s.ld.file, pt->text, pt->len, pt->line,
                              pt->open, &pt->diags);
    return NULL;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The first line start at or after "at" and before "end" where an account begins after a
 * ',' that ends the line before: "...},\n  {", its '{' "indent" bytes in (any, if < 0).
 * NULL if none is found soon. */
static const char *cut_after(const char *at, const char *end, long indent)
{
    for (int tries = 0; tries < 64 && at < end; tries++) {
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        if (!nl)
            return NULL;
        const char *b = nl;
        while (b > at && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
            b--;
        const char *q = nl + 1;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (b > at && b[-1] == ',' && q < end && *q == '{' &&
            (indent < 0 || q - (nl + 1) == indent))
            return nl + 1;
        at = nl + 1;
    }
    return NULL;
}

static unsigned count_lines(const char *p, const char *end)
{
    unsigned n = 0;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

lc__ps_par *lc__ps_par_start(pload *s)
{
    const char *at, *line_start, *end = s->end;
    unsigned line;
    lc__reader_where(s->r, &at, &line, &line_start);
    /* The list must be the document's last value: "...]\s*}\s*" ends the text. */
    const char *e = end;
    while (e > at && blank(e[-1]))
        e--;
    if (e == at || e[-1] != '}')
        return NULL;
    e--;
    while (e > at && blank(e[-1]))
        e--;
    if (e == at || e[-1] != ']')
        return NULL;
    const char *close = e - 1;
    size_t len = (size_t)(close - at);
    unsigned n = s->threads < PAR_MAX_PARTS ? s->threads : PAR_MAX_PARTS;
    if (len < lc__ps_par_min_bytes || n < 2)
        return NULL;
    /* Where the first account starts its line, the others are cut where theirs do at the
     * same indentation: in pretty-printed JSON, a nested '{' starts lines too. */
    const char *first = at;
    while (first < close && blank(*first))
        first++;
    const char *bol = first;
    while (bol > at && bol[-1] != '\n' && blank(bol[-1]))
        bol--;
    long indent = bol > at && bol[-1] == '\n' ? (long)(first - bol) : -1;
    const char *cut[PAR_MAX_PARTS];
    size_t k = 0;
    for (unsigned i = 1; i < n; i++) {
        const char *from = at + len / n * i;
        if (k && from <= cut[k - 1])
            from = cut[k - 1] + 1;
        const char *c = cut_after(from, close, indent);
        if (c && (!k || c > cut[k - 1]))
            cut[k++] = c;
    }
    if (!k)
        return NULL;
    lc__ps_par *par = lc__calloc(1, sizeof(*par));
    if (!par)
        return NULL;
    par->pol = s->pol;
    par->name = s->ld.file;
    par->close = close;
    par->n = k;
    par->split = cut[0];
    while (*par->split != '{')
        par->split++;
    /* Each part counts its lines from 1. Where it starts in the document is known at the
     * join, from the first reader's line there and each part's own count: no pass over
     * the text to count the lines before the threads start. */
    for (size_t i = 0; i < k; i++) {
        part *pt = &par->p[i];
        pt->text = cut[i];
        pt->line = 1;
        pt->open = i + 1 < k;
        /* A part ends before the ',' that ends its last line; the last, at the end. */
        const char *stop = end;
        if (pt->open) {
            stop = cut[i + 1] - 1;
            while (stop > cut[i] && *stop != ',')
                stop--;
        }
        pt->len = (size_t)(stop - cut[i]);
        lc_diags_init(&pt->diags);
        pt->s.pol = s->pol;
        pt->s.ld.file = s->ld.file;
        pt->s.behind = s->behind;
        pt->started = pthread_create(&pt->t, NULL, part_run, pt) == 0;
        if (!pt->started)
            pt->rc = LC_ENOMEM;
    }
    return par;
}

const char *lc__ps_par_split(const lc__ps_par *par)
{
    return par->split;
}

static void join_all(lc__ps_par *par)
{
    if (par->joined)
        return;
    for (size_t i = 0; i < par->n; i++)
        if (par->p[i].started)
            pthread_join(par->p[i].t, NULL);
    par->joined = true;
}

/* Whether any id of the parts is taken already, or appears in two of them (each part's
 * loader saw to its own). With one part, a probe of the first reader's set for each of
 * its ids, by the hash its set keeps; with more, all of theirs into one set first. */
static bool ids_clash(const pload *s, const lc__ps_par *par)
{
    size_t total = 0;
    for (size_t i = 0; i < par->n; i++)
        total += par->p[i].s.pf->n_accts;
    size_t cap = 16;
    uint64_t *set = NULL;
    if (par->n > 1) {
        while (cap < total * 2)
            cap *= 2;
        if (!(set = lc__calloc(cap, sizeof(*set))))
            return true;
    }
    bool clash = false;
    for (size_t i = 0; i < par->n && !clash; i++) {
        const pload *q = &par->p[i].s;
        for (size_t k = 0; k < q->ids_cap && !clash; k++) {
            uint64_t e = q->ids[k];
            if (!e)
                continue;
            const char *id = q->pf->accts[(uint32_t)e - 1].id;
            uint32_t h = (uint32_t)(e >> 32);
            if (lc__ps_id_taken(s, id, h)) {
                clash = true;
                break;
            }
            if (!set)
                continue;
            size_t j = h & (cap - 1);
            for (; set[j]; j = (j + 1) & (cap - 1)) {
                const pload *o = &par->p[set[j] >> 32].s;
                if (strcmp(o->pf->accts[(uint32_t)set[j] - 1].id, id) == 0)
                    clash = true;
            }
            set[j] = (uint64_t)i << 32 | (uint32_t)e; /* part, account index + 1 */
        }
    }
    lc__free(set);
    return clash;
}

/* Below this many positions a second thread would cost more than it saves. */
#define POS_COPY_ALONE 65536

/* The parts' positions, one after another from "to", with the document's lines. */
typedef struct pos_copy {
    const lc__ps_par *par;
    lc__pos *to;
} pos_copy;

static void *copy_positions(void *arg)
{
    const pos_copy *job = arg;
    lc__pos *to = job->to;
    for (size_t i = 0; i < job->par->n; i++) {
        const part *pt = &job->par->p[i];
        const lc_portfolio *q = pt->s.pf;
        unsigned shift = pt->base - 1;
        for (size_t j = 0; j < q->n_pos; j++) {
            lc__pos p = q->pos[j];
            p.line += shift;
            to[j] = p;
        }
        to += q->n_pos;
    }
    return NULL;
}

bool lc__ps_par_join(pload *s, lc__ps_par *par)
{
    join_all(par);
    size_t accts = s->pf->n_accts, pos = s->pf->n_pos;
    /* The first part starts on the line of the first cut, a few bytes on from here. */
    const char *here, *here_start;
    unsigned base;
    lc__reader_where(s->r, &here, &base, &here_start);
    base += count_lines(here, par->p[0].text);
    for (size_t i = 0; i < par->n; i++) {
        part *pt = &par->p[i];
        if (pt->rc != LC_OK || pt->diags.head || !pt->s.pf)
            return false;
        /* A part before the last ends where its text does, not at a ']' of its own: a
         * cut outside the accounts list would leave text that no one read. */
        const char *at, *line_start;
        unsigned line;
        lc__reader_where(pt->s.r, &at, &line, &line_start);
        if (pt->open && at != pt->text + pt->len)
            return false;
        pt->base = base;
        if (pt->open)
            base += line - 1 + count_lines(at, par->p[i + 1].text);
        accts += pt->s.pf->n_accts;
        pos += pt->s.pf->n_pos;
    }
    /* The last part read up to the list's ']': where the document has it. */
    const part *last = &par->p[par->n - 1];
    const char *at, *line_start;
    unsigned line;
    lc__reader_where(last->s.r, &at, &line, &line_start);
    if (at != par->close + 1 || ids_clash(s, par))
        return false;
    lc_portfolio *pf = s->pf;
    if (accts > pf->cap_accts) {
        lc__acct *na = lc__realloc(pf->accts, accts * sizeof(*na));
        if (!na)
            return false;
        pf->accts = na;
        pf->cap_accts = accts;
    }
    if (pos > pf->cap_pos) {
        lc__pos *np = lc__realloc(pf->pos, pos * sizeof(*np));
        if (!np)
            return false;
        pf->pos = np;
        pf->cap_pos = pos;
    }
    /* The parts' positions are copied on a thread of its own while this one copies their
     * accounts: the join is the one stretch of a parallel read that no other thread
     * shares, and most of its time is the first touch of the arrays' new pages. */
    pos_copy job = {par, pf->pos + pf->n_pos};
    pthread_t helper;
    bool helped = pos > POS_COPY_ALONE &&
                  pthread_create(&helper, NULL, copy_positions, &job) == 0;
    if (!helped)
        copy_positions(&job);
    size_t nm = s->pol->n_markets;
    for (size_t i = 0; i < par->n; i++) {
        part *pt = &par->p[i];
        lc_portfolio *q = pt->s.pf;
        for (size_t a = 0; a < q->n_accts; a++) {
            lc__acct ac = q->accts[a];
            ac.first += pf->n_pos;
            pf->accts[pf->n_accts++] = ac;
        }
        pf->n_pos += q->n_pos;
        unsigned shift = pt->base - 1;
        lc__arena_adopt(&pf->arena, &q->arena);
        s->max_qty = pt->s.max_qty > s->max_qty ? pt->s.max_qty : s->max_qty;
        s->max_entry = pt->s.max_entry > s->max_entry ? pt->s.max_entry : s->max_entry;
        s->max_iso = pt->s.max_iso > s->max_iso ? pt->s.max_iso : s->max_iso;
        s->max_collateral =
            pt->s.max_collateral > s->max_collateral ? pt->s.max_collateral : s->max_collateral;
        /* The first use of each market, for the checks after the document. */
        for (size_t m = 0; m < nm; m++) {
            if (!s->use_line[m] && pt->s.use_line[m]) {
                s->use_line[m] = pt->s.use_line[m] + shift;
                s->use_col[m] = pt->s.use_col[m];
            }
        }
    }
    if (helped)
        pthread_join(helper, NULL);
    for (size_t i = 0; i < par->n; i++) {
        lc_portfolio *q = par->p[i].s.pf;
        lc__free(q->accts);
        lc__free(q->pos);
        q->accts = NULL;
        q->pos = NULL;
        q->n_accts = q->n_pos = 0;
    }
    /* On to the list's ']', as if this reader had read the parts itself. */
    lc__reader_jump(s->r, par->close, line + last->base - 1, line_start);
    lc__ps_par_joined++;
    return true;
}

void lc__ps_par_free(lc__ps_par *par)
{
    if (!par)
        return;
    join_all(par);
    for (size_t i = 0; i < par->n; i++) {
        lc__ps_part_release(&par->p[i].s);
        lc_diags_free(&par->p[i].diags);
    }
    lc__free(par);
}
