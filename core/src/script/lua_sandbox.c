/*
 * lua_sandbox.c - what a policy script may reach: base, string, table, math and utf8;
 * everything that reaches outside (io, os, require, binary chunks, string.dump...) absent
 * or raising a named error; shared tables read-only; globals frozen.
 *
 * lc__lua_sandbox_open runs first, lc__lua_open_api adds the levcal table, and
 * lc__lua_sandbox_freeze then locks it all, so the API is as read-only as the libraries.
 */
#include "base/prefix.h"

#include "script/lua_int.h"

#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

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

void lc__lua_sandbox_open(lc__lua *lx)
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
    lc__lua_budget_patterns(lx, lua_gettop(L));
    lua_pop(L, 1);
    lua_getfield(L, g, "math");
    lua_getfield(L, -1, "randomseed");
    lua_setfield(L, LUA_REGISTRYINDEX, "levcal.randomseed");
    block_function(L, lua_gettop(L), "randomseed", "math.randomseed (random numbers are seeded per account)");
    lua_pop(L, 1);

    /* Lock the string metatable: scripts could otherwise reach and change the real string
     * library through getmetatable(""). */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "levcal: locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 3);
}

void lc__lua_sandbox_freeze(lc__lua *lx)
{
    lua_State *L = lx->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int g = lua_gettop(L);
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
