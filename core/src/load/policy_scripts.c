/*
 * policy_script.c - the policy's 'limits' and 'scripts' sections and a market's 'script'.
 *
 * Scripts are compiled and their top level run while the policy loads, so a syntax error
 * or a script without hooks refuses the policy at load time (file:line: error), and the
 * single Lua state is then reused for every account of every evaluation.
 */
#include "base/prefix.h"

#include "load/load.h"
#include "script/script.h"

#include <math.h>
#include <string.h>

enum { L_INSTRUCTIONS, L_MEMORY, L_NKEYS };
static const lc__key limit_keys[L_NKEYS] = {{"instructions", false}, {"memory_mib", false}};

void lc__load_limits(lc__ld *ld, lc_policy *p, const lc__node *m)
{
    const lc__node *v[L_NKEYS];
    if (!lc__node_map(ld, m, limit_keys, L_NKEYS, v, "the 'limits' section"))
        return;
    int64_t x;
    if (v[L_INSTRUCTIONS] && lc__node_integer(ld, v[L_INSTRUCTIONS], &x)) {
        if (x < 1000 || x > 1000000000)
            lc__ld_error(ld, LC_DIAG_VALUE, v[L_INSTRUCTIONS]->line, v[L_INSTRUCTIONS]->col,
                         "expected instructions between 1000 and 1000000000, got %s",
                         v[L_INSTRUCTIONS]->s);
        else
            p->lua_instructions = (long)x;
    }
    if (v[L_MEMORY] && lc__node_integer(ld, v[L_MEMORY], &x)) {
        if (x < 1 || x > 4096)
            lc__ld_error(ld, LC_DIAG_VALUE, v[L_MEMORY]->line, v[L_MEMORY]->col,
                         "expected memory_mib between 1 and 4096, got %s", v[L_MEMORY]->s);
        else
            p->lua_memory = (size_t)x << 20;
    }
}

enum { S_PATH, S_PARAMS, S_NAME, S_LOOSEN, S_NKEYS };
static const lc__key script_keys[S_NKEYS] = {
    {"path", true}, {"params", false}, {"name", false}, {"scripts_may_loosen", false}};

static lc_status ensure_state(lc_policy *p)
{
    if (p->lua)
        return LC_OK;
    p->lua = lc__lua_new(p->lua_memory ? p->lua_memory : LC_LUA_DEFAULT_MEMORY,
                         p->lua_instructions ? p->lua_instructions : LC_LUA_DEFAULT_INSTRUCTIONS);
    return p->lua ? LC_OK : LC_ENOMEM;
}

/* One script entry: a path, or a mapping {path, params, name, scripts_may_loosen}. */
static lc_status load_one(lc__ld *ld, lc_policy *p, const lc__node *n, long market)
{
    const lc__node *v[S_NKEYS] = {NULL, NULL, NULL, NULL};
    const char *rel = NULL, *name = NULL;
    bool loosen = false;
    if (n->kind == LC__NODE_SCALAR) {
        if (!lc__node_string(ld, n, &rel))
            return LC_OK;
        v[S_PATH] = n;
    } else {
        if (!lc__node_map(ld, n, script_keys, S_NKEYS, v, "a script"))
            return LC_OK;
        if (!v[S_PATH] || !lc__node_string(ld, v[S_PATH], &rel))
            return LC_OK;
        if (v[S_NAME] && !lc__node_string(ld, v[S_NAME], &name))
            return LC_OK;
        if (v[S_LOOSEN] && !lc__node_bool(ld, v[S_LOOSEN], &loosen))
            return LC_OK;
        if (v[S_PARAMS] && !lc__node_expect(ld, v[S_PARAMS], LC__NODE_MAP))
            return LC_OK;
    }
    char *joined = lc__path_join_dir(p->path, rel);
    if (!joined)
        return LC_ENOMEM;
    const char *path = lc__arena_strndup(&p->arena, joined, strlen(joined));
    lc__free(joined);
    if (!path)
        return LC_ENOMEM;
    /* A script's bytes are part of the policy's meaning, so of its digest. One that cannot
     * be read is reported by the script loader below. */
    char sha[LC__SHA256_HEX];
    if (lc__sha256_file(path, sha, NULL) == LC_OK) {
        lc_status rc = lc__policy_add_file(p, rel, sha);
        if (rc)
            return rc;
    }
    if (!name) { /* the file's base name without .lua */
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t len = strlen(base);
        if (len > 4 && strcmp(base + len - 4, ".lua") == 0)
            len -= 4;
        name = lc__arena_strndup(&p->arena, base, len);
        if (!name)
            return LC_ENOMEM;
    }
    if (loosen)
        lc__ld_warn(ld, LC_DIAG_SCRIPT, v[S_LOOSEN]->line, v[S_LOOSEN]->col,
                    "scripts_may_loosen lets script '%s' raise caps above the declarative ones "
                    "(never to 1/mmr or above)", name);
    lc_status rc = ensure_state(p);
    if (rc)
        return rc;
    return lc__lua_load_script(p->lua, ld, path, name, market, loosen, v[S_PARAMS], v[S_PATH]);
}

lc_status lc__load_scripts(lc__ld *ld, lc_policy *p, const lc__node *seq)
{
    if (!lc__node_expect(ld, seq, LC__NODE_SEQ))
        return LC_OK;
    for (size_t i = 0; i < seq->n; i++) {
        lc_status rc = load_one(ld, p, seq->kids[i], -1);
        if (rc)
            return rc;
    }
    return LC_OK;
}

lc_status lc__load_market_script(lc__ld *ld, lc_policy *p, long market, const lc__node *n)
{
    return load_one(ld, p, n, market);
}
