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
#include "lc_prefix.h"

#include "lua_int.h"
#include "policy_int.h"
#include "portfolio_int.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
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

/* Calls the function below "nargs" arguments on the stack, under the instruction budget.
 * On error leaves a message (with traceback) on the stack and returns false. */
static bool budgeted_call(lc__lua *lx, int nargs, int nres)
{
    lua_State *L = lx->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, (int)lx->instr_limit);
    int st = lua_pcall(L, nargs, nres, base);
    lua_sethook(L, NULL, 0, 0);
    lua_remove(L, base);
    if (st == LUA_OK)
        return true;
    if (st == LUA_ERRMEM) {
        lua_pop(L, 1);
        lua_pushfstring(L, "memory limit of %d MiB exceeded", (int)(lx->mem_limit >> 20));
    }
    return false;
}

/* ==== The sandbox ======================================================= */

static int blocked(lua_State *L)
{
    return luaL_error(L, "%s is not available in levcal scripts (sandbox)",
                      lua_tostring(L, lua_upvalueindex(1)));
}

static void block_function(lua_State *L, int table, const char *field, const char *what)
{
    lua_pushstring(L, what);
    lua_pushcclosure(L, blocked, 1);
    lua_setfield(L, table, field);
}

/* A stand-in for a library that is not opened: indexing it raises a named error. */
static int blocked_index(lua_State *L)
{
    return luaL_error(L, "%s.%s is not available in levcal scripts (sandbox)",
                      lua_tostring(L, lua_upvalueindex(1)), luaL_optstring(L, 2, "?"));
}

static void block_library(lua_State *L, int g, const char *lib)
{
    lua_newtable(L);
    lua_newtable(L);
    lua_pushstring(L, lib);
    lua_pushcclosure(L, blocked_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "levcal: locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_setfield(L, g, lib);
}

/* load(): text chunks only; the environment defaults to a fresh one over the globals. */
static int safe_load(lua_State *L)
{
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (!s)
        return luaL_error(L, "load: only strings can be loaded in levcal scripts");
    const char *name = luaL_optstring(L, 2, "=(load)");
    if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnoneornil(L, 4)) {
        lua_pushvalue(L, 4);
    } else {
        lua_newtable(L);
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        lua_getfield(L, -1, "_G"); /* the read-only proxy */
        lua_remove(L, -2);
        lua_newtable(L);
        lua_insert(L, -2);
        lua_setfield(L, -2, "__index");
        lua_setmetatable(L, -2);
    }
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    return 1;
}

/* rawset() that refuses the engine's read-only tables, which it would otherwise bypass. */
static int safe_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getmetatable(L, 1)) {
        lua_getfield(L, -1, "__levcal_readonly");
        bool ro = lua_toboolean(L, -1);
        lua_pop(L, 2);
        if (ro)
            return luaL_error(L, "rawset on a read-only table is not allowed in levcal scripts");
    }
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int readonly_newindex(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "cannot set field '%s': the table is read-only", lua_tostring(L, 2));
    return luaL_error(L, "cannot set a %s key: the table is read-only", luaL_typename(L, 2));
}

void lc__lua_make_readonly(lc__lua *lx)
{
    lua_State *L = lx->L;
    lua_newtable(L);            /* proxy */
    lua_newtable(L);            /* its metatable */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "__levcal_readonly");
    lua_pushliteral(L, "levcal: locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_replace(L, -2);         /* proxy replaces the table */
}

static int global_newindex(lua_State *L)
{
    return luaL_error(L, "cannot set global '%s': globals are frozen (use a local)",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

static void sandbox(lc__lua *lx)
{
    lua_State *L = lx->L;
    static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},      {LUA_STRLIBNAME, luaopen_string},
                                    {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
                                    {LUA_UTF8LIBNAME, luaopen_utf8}};
    for (size_t i = 0; i < LC_ARRAY_LEN(libs); i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int g = lua_gettop(L);
    block_function(L, g, "dofile", "dofile");
    block_function(L, g, "loadfile", "loadfile");
    block_function(L, g, "require", "require");
    block_function(L, g, "collectgarbage", "collectgarbage");
    block_function(L, g, "print", "print (use levcal.log)");
    lua_pushcfunction(L, safe_load);
    lua_setfield(L, g, "load");
    lua_pushcfunction(L, safe_rawset);
    lua_setfield(L, g, "rawset");
    for (const char *const *lib = (const char *const[]){"io", "os", "debug", "package", NULL};
         *lib; lib++)
        block_library(L, g, *lib);
    lua_getfield(L, g, "string");
    block_function(L, lua_gettop(L), "dump", "string.dump");
    lua_pop(L, 1);
    lua_getfield(L, g, "math");
    lua_getfield(L, -1, "randomseed");
    lua_setfield(L, LUA_REGISTRYINDEX, "levcal.randomseed");
    block_function(L, lua_gettop(L), "randomseed", "math.randomseed (random numbers are seeded per evaluation)");
    lua_pop(L, 1);

    /* Lock the string metatable: scripts could otherwise reach and change the real string
     * library through getmetatable(""). */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "levcal: locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    lc__lua_open_api(lx); /* levcal table into globals */

    /* Libraries become read-only proxies, then the globals themselves. */
    for (const char *const *lib = (const char *const[]){"string", "table", "math", "utf8", "levcal", NULL};
         *lib; lib++) {
        lua_getfield(L, g, *lib);
        lc__lua_make_readonly(lx);
        lua_setfield(L, g, *lib);
    }
    lua_pushvalue(L, g);
    lc__lua_make_readonly(lx);
    lua_getmetatable(L, -1);
    lua_pushcfunction(L, global_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pop(L, 1);
    lua_setfield(L, g, "_G"); /* _G names the frozen view, never the real table */
    lua_pop(L, 1);
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
    lua_pushinteger(lx->L, instr_limit);
    lua_setfield(lx->L, LUA_REGISTRYINDEX, "levcal.instr_limit");
    sandbox(lx);
    lua_gc(lx->L, LUA_GCGEN, 0, 0);
    return lx;
}

void lc__lua_free(lc__lua *lx)
{
    if (!lx)
        return;
    if (lx->L)
        lua_close(lx->L);
    lc__free(lx->scripts);
    lc__free(lx->log);
    lc__free(lx);
}

/* ==== Loading scripts =================================================== */

/* "path:LINE: message" from Lua -> a diagnostic at that line of the script. */
static void report_lua_error(lc__ld *ld, const char *path, const char *msg, const lc__node *at)
{
    size_t pl = strlen(path);
    if (strncmp(msg, path, pl) == 0 && msg[pl] == ':') {
        char *end;
        unsigned long line = strtoul(msg + pl + 1, &end, 10);
        if (end != msg + pl + 1 && *end == ':') {
            const char *text = end + 1;
            while (*text == ' ')
                text++;
            ld->n_errors++;
            if (lc__diag_add(ld->diags, LC_SEV_ERROR, path, (unsigned)line, 0, "%s", text) == LC_ENOMEM)
                ld->oom = true;
            return;
        }
    }
    lc__ld_error(ld, at->line, at->col, "script %s: %s", path, msg);
}

lc_status lc__lua_load_script(lc__lua *lx, lc__ld *ld, const char *path, const char *name,
                              long market, bool may_loosen, const lc__node *params,
                              const lc__node *at)
{
    lua_State *L = lx->L;
    char *buf;
    size_t len;
    lc_diags local;
    lc_diags_init(&local);
    lc_status rc = lc__read_file(path, &buf, &len, &local);
    if (rc) {
        lc__ld_error(ld, at->line, at->col, "script %s: %s", path,
                     local.head ? local.head->msg : lc_strerror(rc));
        lc_diags_free(&local);
        return rc == LC_ENOMEM ? rc : LC_OK;
    }
    if (lx->n_scripts == lx->cap_scripts) {
        size_t cap = lx->cap_scripts ? lx->cap_scripts * 2 : 8;
        lc__script *ns = lc__realloc(lx->scripts, cap * sizeof(*ns));
        if (!ns) {
            lc__free(buf);
            return LC_ENOMEM;
        }
        lx->scripts = ns;
        lx->cap_scripts = cap;
    }
    int top = lua_gettop(L);
    lua_pushfstring(L, "@%s", path);
    int st = luaL_loadbufferx(L, buf, len, lua_tostring(L, -1), "t");
    lc__free(buf);
    if (st != LUA_OK) {
        report_lua_error(ld, path, lua_tostring(L, -1), at);
        lua_settop(L, top);
        return LC_OK;
    }
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
    lua_setupvalue(L, env - 1, 1);
    lua_pushvalue(L, env - 1);
    if (!budgeted_call(lx, 0, 0)) {
        report_lua_error(ld, path, lua_tostring(L, -1), at);
        lua_settop(L, top);
        return LC_OK;
    }
    lc__script *sc = &lx->scripts[lx->n_scripts];
    memset(sc, 0, sizeof(*sc));
    sc->name = name;
    sc->path = path;
    sc->market = market;
    sc->may_loosen = may_loosen;
    sc->fn_maxlev = sc->fn_account = sc->ctx = LUA_NOREF;
    static const char *const hooks[] = {"max_leverage", "on_account"};
    int *refs[] = {&sc->fn_maxlev, &sc->fn_account};
    bool bad = false;
    for (int h = 0; h < 2; h++) {
        lua_getfield(L, env, hooks[h]);
        if (lua_isfunction(L, -1)) {
            *refs[h] = luaL_ref(L, LUA_REGISTRYINDEX);
            continue;
        }
        if (!lua_isnil(L, -1)) {
            lc__ld_error(ld, at->line, at->col, "script %s: '%s' must be a function, got a %s",
                         path, hooks[h], luaL_typename(L, -1));
            bad = true;
        }
        lua_pop(L, 1);
    }
    if (!bad && sc->fn_maxlev == LUA_NOREF && sc->fn_account == LUA_NOREF) {
        lc__ld_error(ld, at->line, at->col,
                     "script %s defines neither max_leverage nor on_account", path);
        bad = true;
    }
    /* Per-call environments read through E, frozen so hooks cannot reach it to write. */
    lua_newtable(L);
    lua_pushvalue(L, env);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "levcal: locked");
    lua_setfield(L, -2, "__metatable");
    sc->env_mt = luaL_ref(L, LUA_REGISTRYINDEX);
    if (params) {
        lc__lua_push_node(lx, params);
    } else {
        lua_newtable(L);
        lc__lua_make_readonly(lx);
    }
    sc->params = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, top);
    if (!bad)
        lx->n_scripts++;
    return LC_OK;
}

/* ==== Calling hooks ===================================================== */

lc_status lc__lua_begin(lc__lua *lx, const lc_policy *pol, const lc_portfolio *pf)
{
    lua_State *L = lx->L;
    lx->pol = pol;
    lx->pf = pf;
    lx->gen++;
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

static const char *keep(lc__lua *lx, const char *s)
{
    const char *k = lc__arena_strndup(lx->arena, s, strlen(s));
    return k ? k : "out of memory";
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

/* The first line of a traceback: the message itself. */
static const char *first_line(lua_State *L)
{
    const char *m = lua_tostring(L, -1);
    const char *nl = m ? strchr(m, '\n') : NULL;
    if (nl)
        m = lua_pushlstring(L, m, (size_t)(nl - m));
    return m ? m : "unknown error";
}

bool lc__lua_account(lc__lua *lx, const struct lc__acct *ain, lc_account_result *a,
                     lc_position_result *positions, lc__arena *arena, bool *changed)
{
    lua_State *L = lx->L;
    lx->ain = ain;
    lx->acct = a;
    lx->positions = positions;
    lx->arena = arena;
    lx->n_log = 0;
    *changed = false;
    int top = lua_gettop(L);
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
            push_hook(lx, sc, sc->fn_maxlev);
            lc__lua_push_position(lx, p);
            lc__lua_push_account(lx, a);
            lua_rawgeti(L, LUA_REGISTRYINDEX, sc->ctx);
            if (!budgeted_call(lx, 3, 1)) {
                ok = fail(lx, a, "script %s: max_leverage failed for %s: %s", sc->name, p->market,
                          first_line(L));
                break;
            }
            int t = lua_type(L, -1);
            if (t == LUA_TNIL) {
                lua_settop(L, top);
                continue;
            }
            if (t != LUA_TNUMBER) {
                ok = fail(lx, a, "script %s: max_leverage returned a %s for %s; expected a number or nil",
                          sc->name, lua_typename(L, t), p->market);
                break;
            }
            double cap = lua_tonumber(L, -1);
            lua_settop(L, top);
            if (!(cap > 0) || !isfinite(cap)) {
                char nb[40];
                ok = fail(lx, a, "script %s: max_leverage returned %s for %s; expected a positive finite number or nil",
                          sc->name, lc__numstr(cap, nb), p->market);
                break;
            }
            if (cap < p->max_leverage || (sc->may_loosen && cap > p->max_leverage)) {
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
    lua_settop(L, top);
    lx->gen++; /* views handed out during these calls are stale from now on */
    return ok;
}

static bool finding_field(lua_State *L, int item, const char *key, bool required,
                          const char **out)
{
    lua_getfield(L, item, key);
    *out = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    bool ok = *out ? true : (!required && lua_isnil(L, -1));
    lua_pop(L, 1);
    return ok;
}

bool lc__lua_on_account(lc__lua *lx, const struct lc__acct *ain, lc_account_result *a,
                        lc_position_result *positions, lc__arena *arena)
{
    lua_State *L = lx->L;
    lx->ain = ain;
    lx->acct = a;
    lx->positions = positions;
    lx->arena = arena;
    int top = lua_gettop(L);
    lc_finding found[64];
    size_t n = 0;
    bool ok = true;
    for (size_t s = 0; ok && s < lx->n_scripts; s++) {
        const lc__script *sc = &lx->scripts[s];
        if (sc->fn_account == LUA_NOREF)
            continue;
        if (sc->market >= 0) { /* a market's script looks at accounts holding that market */
            bool holds = false;
            for (size_t i = 0; i < a->n_positions; i++)
                holds = holds || strcmp(positions[i].market, lx->pol->markets[sc->market].name) == 0;
            if (!holds)
                continue;
        }
        lx->cur = sc;
        push_hook(lx, sc, sc->fn_account);
        lc__lua_push_account(lx, a);
        lua_rawgeti(L, LUA_REGISTRYINDEX, sc->ctx);
        if (!budgeted_call(lx, 2, 1)) {
            ok = fail(lx, a, "script %s: on_account failed: %s", sc->name, first_line(L));
            break;
        }
        if (lua_isnil(L, -1)) {
            lua_settop(L, top);
            continue;
        }
        if (!lua_istable(L, -1)) {
            ok = fail(lx, a, "script %s: on_account returned a %s; expected a list of findings or nil",
                      sc->name, luaL_typename(L, -1));
            break;
        }
        int list = lua_gettop(L);
        lua_Integer len = luaL_len(L, list);
        for (lua_Integer i = 1; ok && i <= len; i++) {
            lua_rawgeti(L, list, i);
            int item = lua_gettop(L);
            const char *rule, *action, *message;
            if (!lua_istable(L, item) || !finding_field(L, item, "rule", true, &rule) ||
                !finding_field(L, item, "action", true, &action) ||
                !finding_field(L, item, "message", false, &message)) {
                ok = fail(lx, a, "script %s: on_account finding %d is not {rule=string, action=string, "
                                 "message=string}", sc->name, (int)i);
                break;
            }
            static const char *const actions[] = {"ok", "over_limit", "liquidate", "note"};
            size_t k = 0;
            while (k < 4 && strcmp(action, actions[k]) != 0)
                k++;
            if (k == 4) {
                ok = fail(lx, a, "script %s: on_account finding %d has action '%s'; expected ok, "
                                 "over_limit, liquidate or note", sc->name, (int)i, action);
                break;
            }
            if (n < LC_ARRAY_LEN(found)) {
                found[n++] = (lc_finding){sc->name, keep(lx, rule), actions[k],
                                          message ? keep(lx, message) : NULL};
                if (k < 3 && (lc_verdict)k > a->status) {
                    a->status = (lc_verdict)k;
                    a->reason = LC_REASON_SCRIPT;
                    a->reason_position = n - 1; /* for a script reason: the finding */
                }
            }
            lua_settop(L, list);
        }
        lua_settop(L, top);
    }
    lua_settop(L, top);
    lx->gen++;
    if (lx->n_log) {
        const char **log = lc__arena_alloc(arena, lx->n_log * sizeof(*log));
        if (log) {
            memcpy(log, lx->log, lx->n_log * sizeof(*log));
            a->log = log;
            a->n_log = lx->n_log;
        }
        lx->n_log = 0;
    }
    if (n) {
        lc_finding *f = lc__arena_alloc(arena, n * sizeof(*f));
        if (f) {
            memcpy(f, found, n * sizeof(*f));
            a->findings = f;
            a->n_findings = n;
        }
    }
    return ok;
}
