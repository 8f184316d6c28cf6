/*
 * suggest.c - "did you mean": the known name closest to a misspelt one, by edit distance,
 * offered only when it is a plausible typo of it.
 */
#include "base/prefix.h"

#include "base/base.h"

#include <string.h>

/* Optimal string alignment distance (Levenshtein plus adjacent transposition), which
 * scores the usual typos of a key - a dropped, doubled or swapped letter - as one edit. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return (size_t)-1;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

const char *lc_suggest(const char *word, const char *const *cands, size_t n)
{
    return word && cands ? lc__did_you_mean(word, cands, n) : NULL;
}

const char *lc__did_you_mean(const char *word, const char *const *cands, size_t n)
{
    return lc__did_you_mean_in(word, cands, n, sizeof(*cands));
}

/* Every candidate is considered, however many: a hint never depends on where a name sits
 * in a long list. Names over 63 bytes are never hinted (no key or model is that long, and
 * such a word is more than two edits from every shorter one). */
const char *lc__did_you_mean_in(const char *word, const void *names, size_t n, size_t stride)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const char *cand = *(const char *const *)(const void *)((const char *)names + i * stride);
        if (!cand)
            continue;
        size_t dist = edit_distance(word, cand);
        if (dist < best_d) {
            best_d = dist;
            best = cand;
        }
    }
    size_t wl = strlen(word);
    if (best && best_d <= 2 && best_d * 2 < (wl > 1 ? wl : 2))
        return best;
    return NULL;
}
