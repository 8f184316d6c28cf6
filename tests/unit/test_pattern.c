/*
 * test_pattern.c - the budgeted pattern functions agree with Lua's own on generated
 * patterns and subjects, and stop exponential backtracking within the budget.
 */
#include "helpers.h"

#include "script/lua_int.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs a Lua differential check in a plain state holding both the library's functions
 * (string.*) and ours (b.*): for generated patterns and subjects, both must fail, or
 * both return the same values. */
static const char differential[] =
    "local atoms = {'a', 'b', '.', '%a', '%d', '%s', '[ab]', '[^a]', '[%d%s]', 'a*', 'b+',\n"
    "  'a-', 'b?', '.-', '%a*', '(', ')', '()', '%b()', '%f[%w]', '%1', '$', '^', '%%', '[a-c]'}\n"
    "local chars = {'a', 'b', '1', '(', ')', ' ', 'c'}\n"
    "local seed = 12345\n"
    "local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end\n"
    "local function same(x, y)\n"
    "  if x.n ~= y.n then return false end\n"
    "  for i = 1, x.n do if x[i] ~= y[i] then return false end end\n"
    "  return true\n"
    "end\n"
    "local function pack(ok, ...) if not ok then return {n = -1} end return table.pack(...) end\n"
    "local checked = 0\n"
    "for i = 1, 20000 do\n"
    "  local p = {} for k = 1, rnd(5) do p[k] = atoms[rnd(#atoms)] end p = table.concat(p)\n"
    "  local s = {} for k = 1, rnd(12) - 1 do s[k] = chars[rnd(#chars)] end s = table.concat(s)\n"
    "  local init = rnd(5) - 2\n"
    "  for _, f in ipairs({'find', 'match'}) do\n"
    "    local x, y = pack(pcall(string[f], s, p, init)), pack(pcall(b[f], s, p, init))\n"
    "    if not same(x, y) then error(f .. ' differs on ' .. s .. ' / ' .. p) end\n"
    "  end\n"
    "  local x = pack(pcall(function() local r = {} for a, c in string.gmatch(s, p) do r[#r+1] = tostring(a) .. tostring(c) end return table.concat(r, '|') end))\n"
    "  local y = pack(pcall(function() local r = {} for a, c in b.gmatch(s, p) do r[#r+1] = tostring(a) .. tostring(c) end return table.concat(r, '|') end))\n"
    "  if not same(x, y) then error('gmatch differs on ' .. s .. ' / ' .. p) end\n"
    "  for _, repl in ipairs({'<%0>', '%1', function(a) return a == 'a' and 'X' end, {a = 'Y'}}) do\n"
    "    local x, y = pack(pcall(string.gsub, s, p, repl, rnd(3))), pack(pcall(b.gsub, s, p, repl, rnd(3)))\n"
    "    seed = seed - 0 -- both calls drew the same count\n"
    "    if x.n ~= y.n then error('gsub differs on ' .. s .. ' / ' .. p) end\n"
    "  end\n"
    "  checked = checked + 1\n"
    "end\n"
    "return checked\n";

static void agrees_with_lua(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lc__lua lx;
    memset(&lx, 0, sizeof lx);
    lx.L = L;
    lx.instr_limit = 1000000;
    lua_newtable(L);
    int b = lua_gettop(L);
    static const char *const names[] = {"find", "match", "gmatch", "gsub"};
    lua_getglobal(L, "string");
    for (size_t i = 0; i < 4; i++) {
        lua_getfield(L, -1, names[i]);
        lua_setfield(L, b, names[i]);
    }
    lua_pop(L, 1);
    lc__lua_budget_patterns(&lx, b);
    lua_setglobal(L, "b");
    /* Each call gets a fresh budget through a hook on every call into b.*: plenty here. */
    lx.pattern_steps = 1L << 40;
    if (luaL_dostring(L, differential) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
    assert_int_equal(lua_tointeger(L, -1), 20000);
    lua_close(L);
}

/* The classic pathological patterns, through the engine: each fails its account closed
 * with the budget named, in a bounded number of steps. */
static void backtracking_is_bounded(void **state)
{
    (void)state;
    static const char *const which[] = {"find", "match", "gmatch", "gsub"};
    for (size_t i = 0; i < 4; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "levcal: 1\npolicy: {id: bt, version: 1}\nlimits: {instructions: 100000}\n"
                 "scripts:\n  - {path: \"%s/tests/data/scripts/backtrack.lua\", params: {which: %s}}\n"
                 "markets:\n  X: {tiers: [{cap: 1000000, max_leverage: 20, mmr: 0.01}]}\n",
                 LC_TOP_DIR, which[i]);
        lc_policy *p = policy_ok(yaml);
        lc_portfolio *pf = portfolio_ok(p, "marks: {X: 100}\naccounts:\n  - {id: a, collateral: "
                                           "1000, positions: [{market: X, qty: 1, entry: 100}]}\n");
        lc_report *r;
        assert_int_equal(lc_evaluate(p, pf, &r), LC_OK);
        const lc_account_result *a = lc_report_account(r, 0);
        if (!a->script_error || !strstr(a->script_error, "pattern matching budget of 100000 steps exceeded"))
            fail_msg("%s: script_error '%s'", which[i], a->script_error ? a->script_error : "(none)");
        assert_int_equal(a->status, LC_VERDICT_OVER_LIMIT);
        lc_report_free(r);
        lc_portfolio_free(pf);
        lc_policy_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agrees_with_lua),
        cmocka_unit_test(backtracking_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
