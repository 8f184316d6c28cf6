/*
 * lua_api.c - what scripts see: read-only views of positions and accounts, ctx, and the
 * levcal helper table.
 *
 * Views are userdata read through a C __index, so a hook call builds no table per
 * position; writing a field raises an error naming it. A view is valid during the call
 * it was passed to: kept and used later, it raises an error instead of showing another
 * account's figures.
 */
#include "base/prefix.h"

#include "model/fields.h"
#include "model/portfolio.h"
#include "rules/rules.h"
#include "script/lua_int.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

typedef struct view {
    void *p;      /* lc_position_result or lc_account_result */
    unsigned gen; /* the call generation it belongs to */
} view;

static lc__lua *host(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(2));
}

static void push_num(lua_State *L, double v)
{
    if (isnan(v))
        lua_pushnil(L);
    else
        lua_pushnumber(L, v);
}

static void *check_view(lua_State *L, const char *what)
{
    view *v = lua_touserdata(L, 1);
    if (!v || v->gen != host(L)->gen)
        luaL_error(L, "%s used outside the hook call it was passed to", what);
    return v->p;
}

/* Field name -> number, from the upvalue table. */
static int field_id(lua_State *L)
{
    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    int id = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return id;
}

static int view_newindex(lua_State *L)
{
    return luaL_error(L, "cannot set field '%s': %s is read-only",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?",
                      lua_tostring(L, lua_upvalueindex(1)));
}

/* ==== Positions ========================================================= */

/* The figures every report writes (model/fields.h), then what only scripts see. */
#define NUMBER_ROW(name, kind) {#name, offsetof(lc_position_result, name), KIND_##kind},
#define KIND_NUM 0
#define KIND_INT 1
typedef struct number_field {
    const char *name;
    size_t offset;
    int kind;
} number_field;

static const number_field pos_numbers[] = {LC__POSITION_NUMBERS(NUMBER_ROW)};
#undef NUMBER_ROW

enum { P_MARKET = 1, P_TIER_MAXLEV, P_ISOLATED, P_ISO_MARGIN, P_EQUITY, P_MR, P_STATUS,
       P_BINDING, P_SIDE, P_OVER_LIMIT, P_NUMBERS };

static const char *const pos_fields[] = {"market", "tier_max_leverage", "isolated",
                                         "isolated_margin", "equity", "margin_ratio", "status",
                                         "binding", "side", "over_limit", NULL};

/* Pushes the figure at "offset" of "base" as its kind says; NaN is nil. */
static void push_field(lua_State *L, const void *base, const number_field *f)
{
    const char *at = (const char *)base + f->offset;
    if (f->kind == KIND_INT) {
        unsigned u;
        memcpy(&u, at, sizeof u);
        lua_pushinteger(L, u);
    } else {
        double d;
        memcpy(&d, at, sizeof d);
        push_num(L, d);
    }
}

static int pos_index(lua_State *L)
{
    const lc_position_result *p = check_view(L, "a position");
    int id = field_id(L);
    if (id >= P_NUMBERS && (size_t)(id - P_NUMBERS) < LC_ARRAY_LEN(pos_numbers)) {
        push_field(L, p, &pos_numbers[id - P_NUMBERS]);
        return 1;
    }
    switch (id) {
    case P_MARKET: lua_pushstring(L, p->market); break;
    case P_TIER_MAXLEV: lua_pushnumber(L, p->tier_max_leverage); break;
    case P_ISOLATED: lua_pushboolean(L, p->isolated); break;
    case P_ISO_MARGIN: push_num(L, p->isolated ? p->isolated_margin : (double)NAN); break;
    case P_EQUITY: push_num(L, p->isolated ? p->equity : (double)NAN); break;
    case P_MR: push_num(L, p->isolated ? p->margin_ratio : (double)NAN); break;
    case P_STATUS: lua_pushstring(L, p->isolated ? lc_verdict_name(p->status) : "cross"); break;
    case P_BINDING: lua_pushstring(L, lc_binding_name(p->binding)); break;
    case P_SIDE: lua_pushstring(L, p->qty > 0 ? "long" : "short"); break;
    case P_OVER_LIMIT: lua_pushboolean(L, p->over_limit); break;
    default: lua_pushnil(L);
    }
    return 1;
}

/* A view of "p" for the current call generation, with metatable "mt". */
static void push_view(lc__lua *lx, void *p, int mt)
{
    view *v = lua_newuserdatauv(lx->L, sizeof(view), 0);
    v->p = p;
    v->gen = lx->gen;
    lua_rawgeti(lx->L, LUA_REGISTRYINDEX, mt);
    lua_setmetatable(lx->L, -2);
}

void lc__lua_push_position(lc__lua *lx, lc_position_result *p)
{
    push_view(lx, p, lx->pos_mt);
}

/* ==== Accounts ========================================================== */

#define NUMBER_ROW(name, kind) {#name, offsetof(lc_account_result, name), KIND_##kind},
static const number_field acct_numbers[] = {LC__ACCOUNT_NUMBERS(NUMBER_ROW)};
#undef NUMBER_ROW

enum { A_ID = 1, A_STATUS, A_TAGS, A_CREATED, A_META, A_POSITIONS, A_N_POSITIONS, A_NUMBERS };

static const char *const acct_fields[] = {"id", "status", "tags", "created", "meta",
                                          "positions", "n_positions", NULL};

static int acct_index(lua_State *L)
{
    lc__lua *lx = host(L);
    const lc_account_result *a = check_view(L, "an account");
    const lc__acct *in = lx->ain;
    int id = field_id(L);
    if (id >= A_NUMBERS && (size_t)(id - A_NUMBERS) < LC_ARRAY_LEN(acct_numbers)) {
        push_field(L, a, &acct_numbers[id - A_NUMBERS]);
        return 1;
    }
    switch (id) {
    case A_ID: lua_pushstring(L, a->id); break;
    case A_STATUS: lua_pushstring(L, lc_verdict_name(a->status)); break;
    case A_TAGS:
        lua_createtable(L, (int)in->n_tags, 0);
        for (size_t i = 0; i < in->n_tags; i++) {
            lua_pushstring(L, in->tags[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lc__lua_make_readonly(lx);
        break;
    case A_CREATED: push_num(L, in->created); break;
    case A_META:
        lua_createtable(L, 0, (int)in->n_meta);
        for (size_t i = 0; i < in->n_meta; i++) {
            const lc__meta *m = &in->meta[i];
            if (m->is_bool)
                lua_pushboolean(L, m->num != 0);
            else if (m->is_num)
                lua_pushnumber(L, m->num);
            else
                lua_pushstring(L, m->str);
            lua_setfield(L, -2, m->key);
        }
        lc__lua_make_readonly(lx);
        break;
    case A_POSITIONS:
        lua_createtable(L, (int)a->n_positions, 0);
        for (size_t i = 0; i < a->n_positions; i++) {
            lc__lua_push_position(lx, &lx->positions[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lc__lua_make_readonly(lx);
        break;
    case A_N_POSITIONS: lua_pushinteger(L, (lua_Integer)a->n_positions); break;
    default: lua_pushnil(L);
    }
    return 1;
}

void lc__lua_push_account(lc__lua *lx, lc_account_result *a)
{
    push_view(lx, a, lx->acct_mt);
}

/* A view's metatable: __index through the field table, writes refused. */
static int view_metatable(lc__lua *lx, const char *const *fields,
                          const number_field *numbers, size_t n_numbers, lua_CFunction index,
                          const char *what)
{
    lua_State *L = lx->L;
    lua_newtable(L);
    lua_newtable(L);
    int id = 1;
    for (int i = 0; fields[i]; i++) {
        lua_pushinteger(L, id++);
        lua_setfield(L, -2, fields[i]);
    }
    for (size_t i = 0; i < n_numbers; i++) { /* ids from P_NUMBERS / A_NUMBERS on */
        lua_pushinteger(L, id++);
        lua_setfield(L, -2, numbers[i].name);
    }
    lua_pushlightuserdata(L, lx);
    lua_pushcclosure(L, index, 2);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, what);
    lua_pushcclosure(L, view_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "levcal: locked");
    lua_setfield(L, -2, "__metatable");
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ==== The levcal table ================================================== */

static long market_arg(lua_State *L, lc__lua *lx, int arg)
{
    size_t len;
    const char *name = luaL_checklstring(L, arg, &len);
    return lx->pol ? lc__policy_find(lx->pol, name, len) : -1;
}

/* levcal.tier(market, notional) -> {tier, cap, max_leverage, mmr, maintenance_amount,
 * over_limit}, the market's tier for that notional; nil for an unknown market. */
static int api_tier(lua_State *L)
{
    lc__lua *lx = lua_touserdata(L, lua_upvalueindex(1));
    long m = market_arg(L, lx, 1);
    double n = luaL_checknumber(L, 2);
    if (m < 0) {
        lua_pushnil(L);
        return 1;
    }
    const lc__market *mk = &lx->pol->markets[m];
    int over;
    size_t t = lc_tier_find(mk->tiers, mk->n_tiers, fabs(n), &over);
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, (lua_Integer)t + 1);
    lua_setfield(L, -2, "tier");
    lua_pushnumber(L, mk->tiers[t].cap);
    lua_setfield(L, -2, "cap");
    lua_pushnumber(L, mk->tiers[t].max_leverage);
    lua_setfield(L, -2, "max_leverage");
    lua_pushnumber(L, mk->tiers[t].mmr);
    lua_setfield(L, -2, "mmr");
    lua_pushnumber(L, mk->tiers[t].maintenance_amount);
    lua_setfield(L, -2, "maintenance_amount");
    lua_pushboolean(L, over);
    lua_setfield(L, -2, "over_limit");
    return 1;
}

/* levcal.mark(market) -> the portfolio's mark price, or nil. */
static int api_mark(lua_State *L)
{
    lc__lua *lx = lua_touserdata(L, lua_upvalueindex(1));
    long m = market_arg(L, lx, 1);
    if (m < 0 || !lx->pf)
        lua_pushnil(L);
    else
        push_num(L, lx->pf->marks[m]);
    return 1;
}

/* levcal.log(...) -> the values, tab-separated, as one line of the account's report. */
static int api_log(lua_State *L)
{
    lc__lua *lx = lua_touserdata(L, lua_upvalueindex(1));
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, lx->cur ? lx->cur->name : "?");
    luaL_addstring(&b, ": ");
    for (int i = 1; i <= n; i++) {
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
        if (i < n)
            luaL_addchar(&b, '\t');
    }
    luaL_pushresult(&b);
    if (!lx->arena)
        return 0;
    if (lx->n_log >= LC_LUA_MAX_LOG_LINES) {
        lx->n_log_dropped++;
        return 0;
    }
    const char **nl = lc__grow(lx->log, &lx->cap_log, lx->n_log, sizeof(*nl), 8);
    if (!nl) {
        lx->oom = true;
        return luaL_error(L, "not enough memory");
    }
    lx->log = nl;
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    const char *kept = lc__arena_strndup(lx->arena, s, len);
    if (!kept) {
        lx->oom = true;
        return luaL_error(L, "not enough memory");
    }
    lx->log[lx->n_log++] = kept;
    return 0;
}

/* levcal.date(t) -> {year, month, day, hour, min, sec, wday (1 = Sunday), yday}, UTC. */
static int api_date(lua_State *L)
{
    double t = luaL_checknumber(L, 1);
    if (!(t >= LC__MIN_UNIX_SECONDS && t <= LC__MAX_UNIX_SECONDS))
        return luaL_argerror(L, 1, "expected a unix time within the years 0000 to 9999");
    double days = floor(t / 86400);
    double secs = t - days * 86400;
    char buf[16];
    lc__format_date((int64_t)days, buf);
    int64_t jan1;
    char y[5] = {buf[0], buf[1], buf[2], buf[3], 0};
    char jbuf[11];
    snprintf(jbuf, sizeof jbuf, "%s-01-01", y);
    lc__parse_date(jbuf, 10, &jan1);
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, atoi(buf));
    lua_setfield(L, -2, "year");
    lua_pushinteger(L, atoi(buf + 5));
    lua_setfield(L, -2, "month");
    lua_pushinteger(L, atoi(buf + 8));
    lua_setfield(L, -2, "day");
    lua_pushinteger(L, (lua_Integer)(secs / 3600));
    lua_setfield(L, -2, "hour");
    lua_pushinteger(L, (lua_Integer)fmod(secs / 60, 60));
    lua_setfield(L, -2, "min");
    lua_pushinteger(L, (lua_Integer)fmod(secs, 60));
    lua_setfield(L, -2, "sec");
    /* 1970-01-01 was a Thursday: wday 5 in os.date's numbering (Sunday = 1). */
    lua_pushinteger(L, (lua_Integer)(((int64_t)days % 7 + 7 + 4) % 7) + 1);
    lua_setfield(L, -2, "wday");
    lua_pushinteger(L, (lua_Integer)((int64_t)days - jan1) + 1);
    lua_setfield(L, -2, "yday");
    lua_pushstring(L, buf);
    lua_setfield(L, -2, "iso");
    return 1;
}

/* levcal.time("2024-10-26" or "2024-10-26T12:00:00Z") -> unix seconds, or nil. */
static int api_time(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    double t;
    if (lc__parse_time(s, len, &t))
        lua_pushnumber(L, t);
    else
        lua_pushnil(L);
    return 1;
}

void lc__lua_open_api(lc__lua *lx)
{
    lua_State *L = lx->L;
    static const luaL_Reg fns[] = {{"tier", api_tier}, {"mark", api_mark}, {"log", api_log},
                                   {"date", api_date}, {"time", api_time}, {NULL, NULL}};
    lua_newtable(L);
    lua_pushlightuserdata(L, lx);
    luaL_setfuncs(L, fns, 1);
    lua_setglobal(L, "levcal");
    lx->pos_mt = view_metatable(lx, pos_fields, pos_numbers, LC_ARRAY_LEN(pos_numbers), pos_index,
                                "a position");
    lx->acct_mt = view_metatable(lx, acct_fields, acct_numbers, LC_ARRAY_LEN(acct_numbers),
                                 acct_index, "an account");
}

/* ==== Policy values ===================================================== */

void lc__lua_push_node(lc__lua *lx, const lc__node *n)
{
    lua_State *L = lx->L;
    double v;
    switch (n->kind) {
    case LC__NODE_SCALAR:
        if (!n->quoted && lc__parse_number(n->s, n->len, &v) && isfinite(v))
            lua_pushnumber(L, v);
        else if (!n->quoted && strcmp(n->s, "true") == 0)
            lua_pushboolean(L, 1);
        else if (!n->quoted && strcmp(n->s, "false") == 0)
            lua_pushboolean(L, 0);
        else if (!n->quoted && (n->len == 0 || strcmp(n->s, "null") == 0 || strcmp(n->s, "~") == 0))
            lua_pushnil(L);
        else
            lua_pushlstring(L, n->s, n->len);
        return;
    case LC__NODE_SEQ:
        lua_createtable(L, (int)n->n, 0);
        for (size_t i = 0; i < n->n; i++) {
            lc__lua_push_node(lx, n->kids[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case LC__NODE_MAP:
        lua_createtable(L, 0, (int)(n->n / 2));
        for (size_t i = 0; i + 1 < n->n; i += 2) {
            lua_pushlstring(L, n->kids[i]->s ? n->kids[i]->s : "", n->kids[i]->len);
            lc__lua_push_node(lx, n->kids[i + 1]);
            lua_rawset(L, -3);
        }
        break;
    }
    lc__lua_make_readonly(lx);
}
