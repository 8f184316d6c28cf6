/*
 * parallel.c - a report written by several threads: workers evaluate blocks of accounts
 * and write each block's account lines into memory; the calling thread writes the blocks
 * in the book's order, so the report is the same bytes whatever the number of threads.
 *
 * Evaluation reads the policy and the portfolio only (volatility caps are calibrated
 * before), and each worker has its own scratch space, and its own state for the policy's
 * scripts, which the block writer makes.
 *
 * A block's text is written once: by its worker, in its final form (a JSON entry's ",\n"
 * included), into a buffer that the writer hands on to the output without copying it
 * and then gives back for another block. The few buffers of the blocks in flight are
 * all the memory the text takes, and their pages are touched once.
 */
#include "base/prefix.h"

#include "model/portfolio.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#define BLOCK_ACCOUNTS 2048
#define PAR_SPARE 16

typedef struct block {
    char *text;       /* its accounts' text, in a buffer of "cap" bytes */
    size_t len, cap;
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
    bool json;        /* the blocks are JSON array entries, else NDJSON lines */
    char *spare[PAR_SPARE]; /* buffers of written blocks, for the next ones */
    size_t spare_cap[PAR_SPARE];
    size_t n_spare;
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
        char *buf = NULL;
        size_t cap = 0;
        if (p->n_spare) {
            p->n_spare--;
            buf = p->spare[p->n_spare];
            cap = p->spare_cap[p->n_spare];
        }
        pthread_mutex_unlock(&p->m);

        block *b = &p->b[k];
        size_t first = k * BLOCK_ACCOUNTS;
        size_t n = p->pf->n_accts - first < BLOCK_ACCOUNTS ? p->pf->n_accts - first : BLOCK_ACCOUNTS;
        lc_summary sum = LC_SUMMARY_INIT;
        lc__out o;
        lc_status rc = lc__out_init_mem(&o, buf, cap);
        if (rc == LC_OK)
            rc = p->write_block(p->pol, p->pf, first, n, p->opts, p->json, &o, &sum, &own);
        size_t len;
        lc_status trc = lc__out_take(&o, &buf, &len, &cap);
        pthread_mutex_lock(&p->m);
        b->text = buf;
        b->len = len;
        b->cap = cap;
        b->sum = sum;
        b->rc = rc == LC_OK ? trc : rc;
        b->done = true;
        pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->m);
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
    p.json = fmt == LC_FORMAT_JSON;
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
        if (rc == LC_OK && b->len) {
            /* The report's first entry follows its '[' without a comma. */
            size_t skip = p.json && !any;
            lc__out_write(&o, b->text + skip, b->len - skip);
            any = true;
        }
        if (rc == LC_OK)
            lc__summary_merge(&sum, &b->sum);
        pthread_mutex_lock(&p.m);
        if (p.n_spare < PAR_SPARE) {
            p.spare[p.n_spare] = b->text;
            p.spare_cap[p.n_spare++] = b->cap;
        } else {
            lc__free(b->text);
        }
        b->text = NULL;
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
        lc__free(p.b[k].text);
    for (size_t i = 0; i < p.n_spare; i++)
        lc__free(p.spare[i]);
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
