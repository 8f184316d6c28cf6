/*
 * parallel.c - a report written by several threads: workers evaluate blocks of accounts
 * and write each block's account lines into memory; the calling thread writes the blocks
 * in the book's order, so the report is the same bytes whatever the number of threads.
 *
 * Evaluation reads the policy and the portfolio only (volatility caps are calibrated
 * before), and each worker has its own scratch space, and its own state for the policy's
 * scripts, which the block writer makes.
 */
#include "base/prefix.h"

#include "model/portfolio.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#define BLOCK_ACCOUNTS 2048

typedef struct block {
    char *text;       /* its account lines (open_memstream's buffer) */
    size_t len;
    lc_summary sum;
    lc_status rc;
    bool done;
} block;

typedef struct pool {
    const lc_policy *pol;
    const lc_portfolio *pf;
    const lc_write_options *opts;
    lc__block_writer write_block;
    void (*worker_free)(void *);
    block *b;
    size_t n_blocks;
    size_t next;      /* the next block to take */
    size_t written;   /* blocks the writer has written and freed */
    size_t window;    /* at most this many blocks ahead of the writer */
    bool stop;
    pthread_mutex_t m;
    pthread_cond_t done, room;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    void *own = NULL; /* this thread's state, made by the block writer */
    for (;;) {
        pthread_mutex_lock(&p->m);
        while (!p->stop && p->next < p->n_blocks && p->next >= p->written + p->window)
            pthread_cond_wait(&p->room, &p->m);
        if (p->stop || p->next >= p->n_blocks) {
            pthread_mutex_unlock(&p->m);
            if (own && p->worker_free)
                p->worker_free(own);
            return NULL;
        }
        size_t k = p->next++;
        pthread_mutex_unlock(&p->m);

        block *b = &p->b[k];
        size_t first = k * BLOCK_ACCOUNTS;
        size_t n = p->pf->n_accts - first < BLOCK_ACCOUNTS ? p->pf->n_accts - first : BLOCK_ACCOUNTS;
        lc_summary sum = LC_SUMMARY_INIT;
        char *text = NULL;
        size_t len = 0;
        lc_status rc = LC_ENOMEM;
        FILE *f = open_memstream(&text, &len);
        if (f) {
            rc = p->write_block(p->pol, p->pf, first, n, p->opts, f, &sum, &own);
            if (fclose(f) != 0 && rc == LC_OK)
                rc = LC_ENOMEM;
        }
        pthread_mutex_lock(&p->m);
        b->text = text;
        b->len = len;
        b->sum = sum;
        b->rc = rc;
        b->done = true;
        pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->m);
    }
}

/* Block "b" as JSON array entries: each line after ",\n" (the very first after "\n"). */
static void json_entries(lc__out *o, const block *b, bool *any)
{
    const char *s = b->text, *end = b->text + b->len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            nl = end;
        lc__out_str(o, *any ? ",\n" : "\n");
        *any = true;
        lc__out_mem(o, s, (size_t)(nl - s));
        s = nl + 1;
    }
}

lc_status lc__evaluate_write_parallel(const lc_policy *pol, const lc_portfolio *pf,
                                      lc_format fmt, FILE *out, const lc_write_options *opts,
                                      lc_summary *summary, unsigned threads,
                                      lc__block_writer write_block, void (*worker_free)(void *))
{
    pool p;
    memset(&p, 0, sizeof p);
    p.write_block = write_block;
    p.worker_free = worker_free;
    p.pol = pol;
    p.pf = pf;
    p.opts = opts;
    p.n_blocks = (pf->n_accts + BLOCK_ACCOUNTS - 1) / BLOCK_ACCOUNTS;
    p.window = 4 * (size_t)threads;
    p.b = lc__calloc(p.n_blocks ? p.n_blocks : 1, sizeof(*p.b));
    pthread_t *t = lc__calloc(threads, sizeof(*t));
    lc__out o;
    if (!p.b || !t || lc__out_init(&o, out)) {
        lc__free(p.b);
        lc__free(t);
        return LC_ENOMEM;
    }
    pthread_mutex_init(&p.m, NULL);
    pthread_cond_init(&p.done, NULL);
    pthread_cond_init(&p.room, NULL);
    unsigned started = 0;
    for (; started < threads; started++)
        if (pthread_create(&t[started], NULL, worker, &p) != 0)
            break;
    lc_status rc = started ? LC_OK : LC_ENOMEM;
    if (fmt == LC_FORMAT_JSON)
        lc__json_head(&o, pol, pf);
    lc_summary sum = LC_SUMMARY_INIT;
    bool any = false;
    for (size_t k = 0; k < p.n_blocks && rc == LC_OK; k++) {
        pthread_mutex_lock(&p.m);
        while (!p.b[k].done)
            pthread_cond_wait(&p.done, &p.m);
        pthread_mutex_unlock(&p.m);
        block *b = &p.b[k];
        rc = b->rc;
        if (rc == LC_OK) {
            if (fmt == LC_FORMAT_JSON)
                json_entries(&o, b, &any);
            else
                lc__out_mem(&o, b->text, b->len);
            lc__summary_merge(&sum, &b->sum);
        }
        free(b->text); /* open_memstream's, from the C library */
        b->text = NULL;
        pthread_mutex_lock(&p.m);
        p.written = k + 1;
        pthread_cond_broadcast(&p.room);
        pthread_mutex_unlock(&p.m);
    }
    pthread_mutex_lock(&p.m);
    p.stop = true;
    pthread_cond_broadcast(&p.room);
    pthread_mutex_unlock(&p.m);
    for (unsigned i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    for (size_t k = 0; k < p.n_blocks; k++)
        free(p.b[k].text);
    if (rc == LC_OK) {
        if (fmt == LC_FORMAT_JSON)
            lc__json_tail(&o, &sum);
        else if (fmt == LC_FORMAT_NDJSON)
            lc__ndjson_summary_line(&o, pol, &sum);
    }
    lc_status wrc = lc__out_finish(&o);
    if (rc == LC_OK)
        rc = wrc;
    lc__summary_copy(summary, &sum);
    pthread_cond_destroy(&p.done);
    pthread_cond_destroy(&p.room);
    pthread_mutex_destroy(&p.m);
    lc__free(t);
    lc__free(p.b);
    return rc;
}
