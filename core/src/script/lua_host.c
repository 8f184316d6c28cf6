/*
 * lua_host.c - the sandboxed Lua 5.4 state of a policy, and calls into its scripts.
 *
 * Scripts can only tighten limits and can never take the engine down: the state opens
 * base, string, table, math and utf8 only; everything that reaches outside (io, os,
 * require, load of binary chunks, string.dump...) is absent or raises a named error;
 * shared tables are read-only; every call runs under an instruction budget and the state
 * under a memory cap; each call gets a fresh global environment. A script that fails,
 * overruns or returns nonsense fails its account closed, never open.
 */
#include "base/prefix.h"

#include "model/portfolio.h"
#include "rules/rules.h"
#include "script/lua_int.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ==== Allocation and budgets ============================================ */

static void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lc__lua *lx = ud;
    if (!ptr)
        osize = 0;
    if (nsize == 0) {
        lc__free(ptr);
        lx->mem -= osize;
        return NULL;
    }
    if (nsize > osize && lx->mem - osize + nsize > lx->mem_limit)
        return NULL; /* Lua raises "not enough memory"; the call reports the cap */
    void *p = lc__realloc(ptr, nsize);
    if (p)
        lx->mem = lx->mem - osize + nsize;
    else
        lx->oom = true; /* the process, not the script, ran out */
    return p;
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_getfield(L, LUA_REGISTRYINDEX, "levcal.instr_limit");
    int limit = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    /* Name the line the script was running, as any other error would. */
    lua_Debug d;
    if (lua_getstack(L, 0, &d) && lua_getinfo(L, "Sl", &d) && d.currentline > 0)
        luaL_error(L, "%s:%d: instruction budget of %d exceeded", d.short_src, d.currentline,
                   limit);
    luaL_error(L, "instruction budget of %d exceeded", limit);
}

/* Message handler: the error and a traceback naming script.lua:line. Error objects that
 * are not strings are described, not lost. */
static int msghandler(lua_State *L)
{
    /* Where the error happened, from the stack rather than the message's text: the first
     * level with a current line is the script's line (errors raised in C sit above it). */
    lc__lua *lx = *(lc__lua **)lua_getextraspace(L);
    lua_Debug ar;
    lx->err_line = 0;
    lx->err_src[0] = '\0';
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lx->err_line = ar.currentline;
            snprintf(lx->err_src, sizeof lx->err_src, "%s", ar.short_src);
            break;
        }
    }
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Runs C function "fn" with light userdata "arg" in protected mode, so that everything it
 * does - the host's own allocations included - ends in an error value, never in a panic:
 * a script that filled its memory cap must not take the engine down on our next push.
 * On error leaves a message (with traceback) on the stack and returns false; on success
 * leaves fn's one result. */
static bool protected_run(lc__lua *lx, lua_CFunction fn, void *arg)
{
    lua_State *L = lx->L;
    int top = lua_gettop(L);
    lx->oom = false; /* Lua retries a failed allocation after a collection: judge anew */
    lua_pushcfunction(L, msghandler); /* light C functions: pushing allocates nothing */
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, arg);
    int st = lua_pcall(L, 1, 1, top + 1);
    lua_sethook(L, NULL, 0, 0); /* in case fn failed inside the budget */
    if (st == LUA_OK) {
        lua_remove(L, top + 1);
        return true;
    }
    /* Keep the message's first line (the traceback goes to no one) in C memory: after
     * a memory error not even a new Lua string can be relied on. */
    if (st == LUA_ERRMEM && lx->oom) {
        snprintf(lx->err, sizeof lx->err, "out of memory");
    } else if (st == LUA_ERRMEM) {
        snprintf(lx->err, sizeof lx->err, "memory limit of %d MiB exceeded",
                 (int)(lx->mem_limit >> 20));
    } else {
        const char *m = lua_tostring(L, -1);
        size_t n = 0;
        while (m && m[n] && m[n] != '\n' && n + 1 < sizeof lx->err)
            n++;
        memcpy(lx->err, m ? m : "", n);
        lx->err[n] = '\0';
    }
    lua_settop(L, top);
    return false;
}

/* Calls the function below "nargs" arguments under the instruction budget (inside a
 * protected_run). */
static void budgeted_call(lc__lua *lx, int nargs, int nres)
{
    lx->pattern_steps = lx->instr_limit;
    lua_sethook(lx->L, budget_hook, LUA_MASKCOUNT, (int)lx->instr_limit);
    lua_call(lx->L, nargs, nres);
    lua_sethook(lx->L, NULL, 0, 0);
}

static int setup_state(lua_State *L)
{
    lc__lua *lx = lua_touserdata(L, 1);
    lua_pushinteger(L, lx->instr_limit);
    lua_setfield(L, LUA_REGISTRYINDEX, "levcal.instr_limit");
    lc__lua_sandbox_open(lx);
    lc__lua_open_api(lx); /* the levcal table, into the globals */
    lc__lua_sandbox_freeze(lx);
    return 0;
}

lc__lua *lc__lua_new(size_t mem_limit, long instr_limit)
{
    lc__lua *lx = lc__calloc(1, sizeof(*lx));
    if (!lx)
        return NULL;
    lx->mem_limit = mem_limit;
    lx->instr_limit = instr_limit;
    lx->L = lua_newstate(lua_alloc, lx);
    if (!lx->L) {
        lc__free(lx);
        return NULL;
    }
    *(lc__lua **)lua_getextraspace(lx->L) = lx; /* for the message handler: no allocation */
    if (!protected_run(lx, setup_state, lx)) {
        lua_close(lx->L);
        lc__free(lx);
        return NULL;
    }
    lua_pop(lx->L, 1);
    lua_gc(lx->L, LUA_GCGEN, 0, 0);
    return lx;
}

void lc__lua_free(lc__lua *lx)
{
    if (!lx)
        return;
    if (lx->L)
        lua_close(lx->L);
    for (size_t i = 0; i < lx->n_scripts; i++)
        lc__free(lx->scripts[i].src);
    lc__free(lx->scripts);
    lc__free(lx->log);
    lc__free(lx->found);
    lc__free(lx);
}

/* ==== Loading scripts =================================================== */

typedef struct load_job {
    lc__lua *lx;
    lc__script *sc;
    const char *buf;
    size_t len;
    const lc__node *params;
    char bad[256]; /* a problem with the hooks, reported at the policy's line */
} load_job;

/* Compiles the script in text mode, runs its top level in its own environment under the
 * budget, and takes its hooks: all of it protected. */
static int load_protected(lua_State *L)
{
    load_job *j = lua_touserdata(L, 1);
    lc__lua *lx = j->lx;
    lc__script *sc = j->sc;
    lua_pushfstring(L, "@%s", sc->path);
    if (luaL_loadbufferx(L, j->buf, j->len, lua_tostring(L, -1), "t") != LUA_OK)
        return lua_error(L);
    int chunk = lua_gettop(L);
    /* The script's own environment: its top level defines hooks and helpers there,
     * reading everything else from the frozen globals. */
    lua_newtable(L); /* E */
    lua_newtable(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_getfield(L, -1, "_G");
    lua_remove(L, -2);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    int env = lua_gettop(L);
    lua_pushvalue(L, env);
    lua_setupvalue(L, chunk, 1);
    lua_pushvalue(L, chunk);
    budgeted_call(lx, 0, 0);

    static const char *const hooks[] = {"max_leverage", "on_account", "deleverage", "adl_score"};
    int *refs[] = {&sc->fn_maxlev, &sc->fn_account, &sc->fn_delev, &sc->fn_adl};
    for (int h = 0; h < 4; h++) {
        lua_getfield(L, env, hooks[h]);
        if (lua_isfunction(L, -1)) {
            *refs[h] = luaL_ref(L, LUA_REGISTRYINDEX);
            continue;
        }
        if (!lua_isnil(L, -1))
            snprintf(j->bad, sizeof j->bad, "'%s' must be a function, got a %s", hooks[h],
                     luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    if (!j->bad[0] && sc->fn_maxlev == LUA_NOREF && sc->fn_account == LUA_NOREF &&
        sc->fn_delev == LUA_NOREF && sc->fn_adl == LUA_NOREF)
        snprintf(j->bad, sizeof j->bad,
                 "defines none of max_leverage, on_account, deleverage, adl_score");
    /* Per-call environments read through E; their metatable is locked so a hook cannot
     * reach E to write to it. */
    lua_newtable(L);
    lua_pushvalue(L, env);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "levcal: locked");
    lua_setfield(L, -2, "__metatable");
    sc->env_mt = luaL_ref(L, LUA_REGISTRYINDEX);
    if (j->params) {
        lc__lua_push_node(lx, j->params);
    } else {
        lua_newtable(L);
        lc__lua_make_readonly(lx);
    }
    sc->params = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* "path:LINE: message" from Lua -> a diagnostic at that line of the script. */
static void report_lua_error(lc__lua *lx, lc__ld *ld, const char *path, const char *msg,
                             const lc__node *at)
{
    if (lx->err_line > 0) {
        /* Lua put "short_src:line: " before the text; the stack told us both. */
        char prefix[sizeof lx->err_src + 32];
        int pn = snprintf(prefix, sizeof prefix, "%s:%d: ", lx->err_src, lx->err_line);
        const char *text = pn > 0 && strncmp(msg, prefix, (size_t)pn) == 0 ? msg + pn : msg;
        ld->n_errors++;
        if (lc__diag_add(ld->diags, LC_SEV_ERROR, LC_DIAG_SCRIPT, path, (unsigned)lx->err_line,
                         0, "%s", text) == LC_ENOMEM)
            ld->oom = true;
        return;
    }
    /* A syntax error has no stack: Lua's compiler gives its position only in the text,
     * as "chunkname:line:", with the chunk name we chose ("@path"). */
    size_t pl = strlen(path);
    if (strncmp(msg, path, pl) == 0 && msg[pl] == ':') {
        char *end;
        unsigned long line = strtoul(msg + pl + 1, &end, 10);
        if (end != msg + pl + 1 && *end == ':') {
            const char *text = end + 1;
            while (*text == ' ')
                text++;
            ld->n_errors++;
            if (lc__diag_add(ld->diags, LC_SEV_ERROR, LC_DIAG_SCRIPT, path, (unsigned)line, 0, "%s", text) == LC_ENOMEM)
                ld->oom = true;
            return;
        }
    }
    lc__ld_error(ld, LC_DIAG_SCRIPT, at->line, at->col, "script %s: %s", path, msg);
}

lc_status lc__lua_load_script(lc__lua *lx, lc__ld *ld, const char *path, const char *name,
                              long market, bool may_loosen, const lc__node *params,
                              const lc__node *at)
{
    char *buf;
    size_t len;
    lc_diags local;
    lc_diags_init(&local);
    lc_status rc = lc__read_file(path, &buf, &len, &local);
    if (rc) {
        lc__ld_error(ld, LC_DIAG_SCRIPT, at->line, at->col, "script %s: %s", path,
                     local.head ? local.head->msg : lc_strerror(rc));
        lc_diags_free(&local);
        return rc == LC_ENOMEM ? rc : LC_OK;
    }
    lc__script *ns = lc__grow(lx->scripts, &lx->cap_scripts, lx->n_scripts, sizeof(*ns), 8);
    if (!ns) {
        lc__free(buf);
        return LC_ENOMEM;
    }
    lx->scripts = ns;
    lc__script *sc = &lx->scripts[lx->n_scripts];
    memset(sc, 0, sizeof(*sc));
    sc->name = name;
    sc->path = path;
    sc->market = market;
    sc->may_loosen = may_loosen;
    sc->fn_maxlev = sc->fn_account = sc->ctx = sc->env_mt = sc->params = LUA_NOREF;
    sc->fn_delev = sc->fn_adl = LUA_NOREF;
    load_job job = {lx, sc, buf, len, params, ""};
    bool ok = protected_run(lx, load_protected, &job);
    if (!ok || job.bad[0])
        lc__free(buf);
    if (!ok && lx->oom)
        return LC_ENOMEM;
    if (!ok) {
        report_lua_error(lx, ld, path, lx->err, at);
        return LC_OK;
    }
    lua_pop(lx->L, 1);
    if (job.bad[0]) {
        lc__ld_error(ld, LC_DIAG_SCRIPT, at->line, at->col, "script %s %s", path, job.bad);
        return LC_OK;
    }
    sc->src = buf; /* what was loaded, byte for byte, for clones */
    sc->src_len = len;
    sc->params_node = params;
    lx->n_scripts++;
    return LC_OK;
}

lc__lua *lc__lua_clone(const lc__lua *from)
{
    lc__lua *lx = lc__lua_new(from->mem_limit, from->instr_limit);
    if (!lx)
        return NULL;
    lx->scripts = lc__calloc(from->n_scripts ? from->n_scripts : 1, sizeof(*lx->scripts));
    if (!lx->scripts) {
        lc__lua_free(lx);
        return NULL;
    }
    lx->cap_scripts = from->n_scripts ? from->n_scripts : 1;
    for (size_t i = 0; i < from->n_scripts; i++) {
        const lc__script *f = &from->scripts[i];
        lc__script *sc = &lx->scripts[i];
        memset(sc, 0, sizeof(*sc));
        sc->name = f->name;
        sc->path = f->path;
        sc->market = f->market;
        sc->may_loosen = f->may_loosen;
        sc->fn_maxlev = sc->fn_account = sc->ctx = sc->env_mt = sc->params = LUA_NOREF;
        sc->fn_delev = sc->fn_adl = LUA_NOREF;
        /* The same bytes loaded the first time: they loaded then, so only memory fails. */
        load_job job = {lx, sc, f->src, f->src_len, f->params_node, ""};
        if (!protected_run(lx, load_protected, &job) || job.bad[0]) {
            lc__lua_free(lx);
            return NULL;
        }
        lua_pop(lx->L, 1);
        lx->n_scripts++;
    }
    return lx;
}

/* ==== Calling hooks ===================================================== */

static int begin_protected(lua_State *L)
{
    lc__lua *lx = lua_touserdata(L, 1);
    const lc_policy *pol = lx->pol;
    const lc_portfolio *pf = lx->pf;
    /* Deterministic random numbers: the same seed at the start of every evaluation,
     * through the real randomseed kept aside when the sandbox blocked it. */
    lua_getfield(L, LUA_REGISTRYINDEX, "levcal.randomseed");
    lua_pushinteger(L, 0x5EED);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        lua_pop(L, 1);
    for (size_t i = 0; i < lx->n_scripts; i++) {
        lc__script *sc = &lx->scripts[i];
        luaL_unref(L, LUA_REGISTRYINDEX, sc->ctx);
        lua_createtable(L, 0, 4);
        if (!isnan(pf->as_of)) {
            lua_pushnumber(L, pf->as_of);
            lua_setfield(L, -2, "now");
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, sc->params);
        lua_setfield(L, -2, "params");
        lua_pushstring(L, sc->name);
        lua_setfield(L, -2, "script");
        lua_createtable(L, 0, 2);
        lua_pushstring(L, pol->id);
        lua_setfield(L, -2, "id");
        lua_pushinteger(L, (lua_Integer)pol->version);
        lua_setfield(L, -2, "version");
        lc__lua_make_readonly(lx);
        lua_setfield(L, -2, "policy");
        lc__lua_make_readonly(lx);
        sc->ctx = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    return 0;
}

lc_status lc__lua_begin(lc__lua *lx, const lc_policy *pol, const lc_portfolio *pf)
{
    lx->pol = pol;
    lx->pf = pf;
    lx->gen++;
    if (!protected_run(lx, begin_protected, lx))
        return LC_ENOMEM;
    lua_pop(lx->L, 1);
    return LC_OK;
}

/* Pushes hook "fn" of "sc" with a fresh global environment for this one call. */
static void push_hook(lc__lua *lx, const lc__script *sc, int fn)
{
    lua_State *L = lx->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
    lua_createtable(L, 0, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sc->env_mt);
    lua_setmetatable(L, -2);
    /* _ENV is the upvalue every top-level function of the chunk shares: setting it for
     * the hook sets it for the helpers it calls too. */
    const char *up;
    for (int i = 1; (up = lua_getupvalue(L, -2, i)) != NULL; i++) {
        lua_pop(L, 1);
        if (strcmp(up, "_ENV") == 0) {
            lua_pushvalue(L, -1);
            lua_setupvalue(L, -3, i);
            break;
        }
    }
    lua_pop(L, 1);
}

/* Copies "s" into the account's strings. Out of memory is the process's, not the
 * script's: it is flagged, and the evaluation fails with LC_ENOMEM. */
static const char *keep(lc__lua *lx, const char *s)
{
    const char *k = lc__arena_strndup(lx->arena, s, strlen(s));
    if (!k) {
        lx->lost = true;
        return "";
    }
    return k;
}

static bool fail(lc__lua *lx, lc_account_result *a, const char *fmt, ...) LC_PRINTF(3, 4);

static bool fail(lc__lua *lx, lc_account_result *a, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    a->script_error = keep(lx, msg);
    return false;
}

/* One hook call, run inside protected_run: the hook's result is left on the stack, or,
 * for on_account, its findings are checked and copied out. */
typedef struct hook_job {
    lc__lua *lx;
    const lc__script *sc;
    lc_position_result *pos;  /* max_leverage: the position */
    lc_account_result *acct;
} hook_job;

/* Room for one more finding in lx->found, which grows: no finding is ever dropped. */
static bool grow_findings(lc__lua *lx)
{
    if (lx->n_found < lx->cap_found)
        return true;
    size_t cap = lx->cap_found ? lx->cap_found * 2 : 16;
    lc_finding *nf = lc__realloc(lx->found, cap * sizeof(*nf));
    if (!nf)
        return false;
    lx->found = nf;
    lx->cap_found = cap;
    return true;
}

static int max_leverage_protected(lua_State *L)
{
    hook_job *j = lua_touserdata(L, 1);
    push_hook(j->lx, j->sc, j->sc->fn_maxlev);
    lc__lua_push_position(j->lx, j->pos);
    lc__lua_push_account(j->lx, j->acct);
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->sc->ctx);
    budgeted_call(j->lx, 3, 1);
    return 1;
}

static const char *finding_field(lua_State *L, int item, const char *key, bool required,
                                 int index)
{
    lua_getfield(L, item, key);
    const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (!v && (required || !lua_isnil(L, -1)))
        luaL_error(L, "on_account finding %d is not {rule=string, action=string, message=string}",
                   index);
    lua_pop(L, 1); /* the string stays alive in the item table */
    return v;
}

/* Calls account hook "fn"(acct, ctx) of job "j" under the budget; its result on top. True
 * when that is a table; nil returns false; anything else raises "expected". */
static bool call_account_hook(lua_State *L, hook_job *j, int fn, const char *name,
                              const char *expected)
{
    push_hook(j->lx, j->sc, fn);
    lc__lua_push_account(j->lx, j->acct);
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->sc->ctx);
    budgeted_call(j->lx, 2, 1);
    if (lua_isnil(L, -1))
        return false;
    if (!lua_istable(L, -1))
        luaL_error(L, "%s returned a %s; expected %s", name, luaL_typename(L, -1), expected);
    return true;
}

static int on_account_protected(lua_State *L)
{
    hook_job *j = lua_touserdata(L, 1);
    lc__lua *lx = j->lx;
    if (!call_account_hook(L, j, j->sc->fn_account, "on_account", "a list of findings or nil"))
        return 1;
    int list = lua_gettop(L);
    lua_Integer len = luaL_len(L, list);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, list, i);
        int item = lua_gettop(L);
        if (!lua_istable(L, item))
            return luaL_error(L, "on_account finding %d is not {rule=string, action=string, "
                                 "message=string}", (int)i);
        const char *rule = finding_field(L, item, "rule", true, (int)i);
        const char *action = finding_field(L, item, "action", true, (int)i);
        const char *message = finding_field(L, item, "message", false, (int)i);
        static const char *const actions[] = {"ok",          "margin_call", "over_limit",
                                              "reduce_only", "deleverage",  "liquidate", "note"};
        size_t k = 0;
        while (k < LC_ARRAY_LEN(actions) && strcmp(action, actions[k]) != 0)
            k++;
        if (k == LC_ARRAY_LEN(actions))
            return luaL_error(L, "on_account finding %d has action '%s'; expected ok, "
                                 "margin_call, over_limit, reduce_only, deleverage, liquidate or "
                                 "note", (int)i, action);
        if (!grow_findings(lx)) {
            lx->oom = true;
            return luaL_error(L, "out of memory");
        }
        lx->found[lx->n_found++] = (lc_finding){j->sc->name, keep(lx, rule), actions[k],
                                                message ? keep(lx, message) : NULL};
        lua_settop(L, list);
    }
    return 1;
}

/* The highest max leverage any source may set on a tier with rate "mmr": strictly below
 * 1/mmr, where initial margin would fall to maintenance margin and a new position would
 * open liquidatable. */
static double leverage_ceiling(double mmr)
{
    return nextafter(1 / mmr, 0);
}

/* math.random's seed for one account: from its id alone, so that an account's numbers do
 * not depend on the accounts evaluated before it (a book split into shards, or into
 * threads' blocks, gives every account the numbers of one run). */
typedef struct seed_job {
    const char *id;
} seed_job;

static int seed_protected(lua_State *L)
{
    const seed_job *j = lua_touserdata(L, 1);
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (const char *s = j->id; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    lua_getfield(L, LUA_REGISTRYINDEX, "levcal.randomseed");
    lua_pushinteger(L, (lua_Integer)(h >> 1));
    lua_call(L, 1, 0);
    lua_pushnil(L);
    return 1;
}

lc_status lc__lua_account(lc__lua *lx, const struct lc__acct *ain, lc_account_result *a,
                          lc_position_result *positions, lc__arena *arena, bool *changed)
{
    seed_job seed = {ain->id};
    if (!protected_run(lx, seed_protected, &seed))
        return LC_ENOMEM; /* randomseed fails only for memory */
    lua_pop(lx->L, 1);
    lua_State *L = lx->L;
    lx->ain = ain;
    lx->acct = a;
    lx->positions = positions;
    lx->arena = arena;
    lx->n_log = 0;
    lx->n_log_dropped = 0;
    lx->lost = false;
    *changed = false;
    bool ok = true;
    for (size_t s = 0; ok && s < lx->n_scripts; s++) {
        const lc__script *sc = &lx->scripts[s];
        if (sc->fn_maxlev == LUA_NOREF)
            continue;
        lx->cur = sc;
        for (size_t i = 0; ok && i < a->n_positions; i++) {
            lc_position_result *p = &positions[i];
            if (sc->market >= 0 && strcmp(p->market, lx->pol->markets[sc->market].name) != 0)
                continue;
            hook_job job = {lx, sc, p, a};
            if (!protected_run(lx, max_leverage_protected, &job)) {
                if (lx->oom)
                    return LC_ENOMEM;
                ok = fail(lx, a, "script %s: max_leverage failed for %s: %s", sc->name,
                          p->market, lx->err);
                break;
            }
            int t = lua_type(L, -1);
            double cap = lua_tonumber(L, -1);
            lua_pop(L, 1);
            if (t == LUA_TNIL)
                continue;
            if (t != LUA_TNUMBER) {
                ok = fail(lx, a, "script %s: max_leverage returned a %s for %s; expected a number or nil",
                          sc->name, lua_typename(L, t), p->market);
                break;
            }
            if (!(cap > 0) || !isfinite(cap)) {
                char nb[40];
                ok = fail(lx, a, "script %s: max_leverage returned %s for %s; expected a positive finite number or nil",
                          sc->name, lc__numstr(cap, nb), p->market);
                break;
            }
            if (cap < p->max_leverage || (sc->may_loosen && cap > p->max_leverage)) {
                double ceiling = leverage_ceiling(p->mmr);
                if (cap > ceiling) {
                    p->clamped_script = sc->name;
                    p->clamped_cap = cap;
                    cap = ceiling;
                }
                p->max_leverage = cap;
                p->binding = LC_BIND_SCRIPT;
                p->binding_script = sc->name;
                *changed = true;
            } else if (cap > p->max_leverage) {
                p->ignored_script = sc->name;
                p->ignored_cap = cap;
            }
        }
    }
    lx->gen++; /* views handed out during these calls are stale from now on */
    return lx->lost ? LC_ENOMEM : LC_OK;
}

/* Copies the log lines of the account into its report, with a marker for the lines over
 * the cap, which are counted, not lost without a word. */
static void keep_log(lc__lua *lx, lc_account_result *a)
{
    size_t n = lx->n_log + (lx->n_log_dropped ? 1 : 0);
    if (!n)
        return;
    const char **log = lc__arena_alloc(lx->arena, n * sizeof(*log));
    if (!log) {
        lx->lost = true;
        return;
    }
    memcpy(log, lx->log, lx->n_log * sizeof(*log));
    if (lx->n_log_dropped) {
        char m[160];
        snprintf(m, sizeof m, "levcal: %zu more log line%s not kept (at most %d per account)",
                 lx->n_log_dropped, lx->n_log_dropped == 1 ? "" : "s", LC_LUA_MAX_LOG_LINES);
        log[lx->n_log] = keep(lx, m);
    }
    a->log = log;
    a->n_log = n;
    lx->n_log = lx->n_log_dropped = 0;
}

/* deleverage(acct, ctx): nil, or {action = "...", reason = "..."}, kept as a finding of
 * rule "deleverage". */
static int deleverage_protected(lua_State *L)
{
    hook_job *j = lua_touserdata(L, 1);
    lc__lua *lx = j->lx;
    if (!call_account_hook(L, j, j->sc->fn_delev, "deleverage", "{action=..., reason=...} or nil"))
        return 1;
    int item = lua_gettop(L);
    const char *action = finding_field(L, item, "action", true, 1);
    const char *reason = finding_field(L, item, "reason", false, 1);
    static const char *const actions[] = {"ok",          "margin_call", "over_limit",
                                          "reduce_only", "deleverage",  "liquidate"};
    size_t k = 0;
    while (k < LC_ARRAY_LEN(actions) && strcmp(action, actions[k]) != 0)
        k++;
    if (k == LC_ARRAY_LEN(actions))
        return luaL_error(L, "deleverage returned action '%s'; expected ok, margin_call, "
                             "over_limit, reduce_only, deleverage or liquidate", action);
    if (!grow_findings(lx)) {
        lx->oom = true;
        return luaL_error(L, "out of memory");
    }
    lx->found[lx->n_found++] = (lc_finding){j->sc->name, "deleverage", actions[k],
                                            reason ? keep(lx, reason) : NULL};
    return 1;
}

/* adl_score(pos, acct, ctx) -> a number. */
static int adl_protected(lua_State *L)
{
    hook_job *j = lua_touserdata(L, 1);
    push_hook(j->lx, j->sc, j->sc->fn_adl);
    lc__lua_push_position(j->lx, j->pos);
    lc__lua_push_account(j->lx, j->acct);
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->sc->ctx);
    budgeted_call(j->lx, 3, 1);
    return 1;
}

lc_status lc__lua_adl_score(lc__lua *lx, const char *script, const struct lc__acct *ain,
                            lc_account_result *a, lc_position_result *p, double *score,
                            char *err, size_t errlen)
{
    *score = (double)NAN;
    const lc__script *sc = NULL;
    for (size_t s = 0; s < lx->n_scripts && !sc; s++)
        if (strcmp(lx->scripts[s].name, script) == 0 && lx->scripts[s].fn_adl != LUA_NOREF)
            sc = &lx->scripts[s];
    if (!sc) {
        snprintf(err, errlen, "no script '%s' with an adl_score hook", script);
        return LC_EINPUT;
    }
    lx->ain = ain;
    lx->acct = a;
    lx->positions = p;
    lx->cur = sc;
    hook_job job = {lx, sc, p, a};
    bool ok = protected_run(lx, adl_protected, &job);
    lx->gen++;
    if (!ok) {
        if (lx->oom)
            return LC_ENOMEM;
        snprintf(err, errlen, "script %s: adl_score failed: %s", sc->name, lx->err);
        return LC_EINPUT;
    }
    int t = lua_type(lx->L, -1);
    double v = lua_tonumber(lx->L, -1);
    lua_pop(lx->L, 1);
    if (t != LUA_TNUMBER || !isfinite(v)) {
        snprintf(err, errlen, "script %s: adl_score returned %s; expected a finite number",
                 sc->name, t == LUA_TNUMBER ? "a non-finite number" : lua_typename(lx->L, t));
        return LC_EINPUT;
    }
    *score = v;
    return LC_OK;
}

bool lc__lua_has_adl(const lc__lua *lx, const char *script)
{
    for (size_t s = 0; lx && s < lx->n_scripts; s++)
        if (strcmp(lx->scripts[s].name, script) == 0 && lx->scripts[s].fn_adl != LUA_NOREF)
            return true;
    return false;
}

lc_status lc__lua_on_account(lc__lua *lx, const struct lc__acct *ain, lc_account_result *a,
                             lc_position_result *positions, lc__arena *arena)
{
    lx->ain = ain;
    lx->acct = a;
    lx->positions = positions;
    lx->arena = arena;
    lx->n_found = 0;
    for (size_t s = 0; s < lx->n_scripts; s++) {
        const lc__script *sc = &lx->scripts[s];
        if (sc->fn_account == LUA_NOREF && sc->fn_delev == LUA_NOREF)
            continue;
        if (sc->market >= 0) { /* a market's script looks at accounts holding that market */
            bool holds = false;
            for (size_t i = 0; i < a->n_positions; i++)
                holds = holds || strcmp(positions[i].market, lx->pol->markets[sc->market].name) == 0;
            if (!holds)
                continue;
        }
        lx->cur = sc;
        hook_job job = {lx, sc, NULL, a};
        size_t before = lx->n_found;
        int hooks[2] = {sc->fn_account, sc->fn_delev};
        lua_CFunction runs[2] = {on_account_protected, deleverage_protected};
        bool failed = false;
        for (int h = 0; h < 2 && !failed; h++) {
            if (hooks[h] == LUA_NOREF)
                continue;
            if (!protected_run(lx, runs[h], &job)) {
                if (lx->oom)
                    return LC_ENOMEM;
                lx->n_found = before; /* a failed hook's partial list is not its verdict */
                fail(lx, a, "script %s: %s", sc->name, lx->err);
                failed = true;
                break;
            }
            lua_pop(lx->L, 1);
        }
        if (failed)
            break;
    }
    lx->gen++;
    keep_log(lx, a);
    if (lx->n_found) {
        lc_finding *f = lc__arena_alloc(arena, lx->n_found * sizeof(*f));
        if (!f)
            return LC_ENOMEM;
        memcpy(f, lx->found, lx->n_found * sizeof(*f));
        a->findings = f;
        a->n_findings = lx->n_found;
    }
    return lx->lost ? LC_ENOMEM : LC_OK;
}
