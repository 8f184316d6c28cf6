/*
 * script.h - policy scripts as the loader and the engine see them: an opaque sandboxed
 * Lua 5.4 state per policy, scripts loaded into it, and the hooks run on each account.
 * No Lua type crosses this interface.
 */
#ifndef LC_SCRIPT_SCRIPT_H
#define LC_SCRIPT_SCRIPT_H

#include "base/base.h"
#include "syntax/node.h"

typedef struct lc__lua lc__lua;
struct lc__acct;

#define LC_LUA_DEFAULT_INSTRUCTIONS 1000000L
#define LC_LUA_DEFAULT_MEMORY (64u << 20)
#define LC_LUA_MAX_LOG_LINES 100 /* per account; more are counted in a marker line */

/* Creates the sandboxed state. NULL on out of memory. */
lc__lua *lc__lua_new(size_t mem_limit, long instr_limit);
void lc__lua_free(lc__lua *lx);

/* Loads one script: reads it, compiles it in text mode, runs its top level under the
 * budget, and finds its hooks. "params" (may be NULL) becomes its read-only ctx.params.
 * Problems are reported located in the script or at "at" in the policy. */
lc_status lc__lua_load_script(lc__lua *lx, lc__ld *ld, const char *path, const char *name,
                              long market, bool may_loosen, const lc__node *params,
                              const lc__node *at);

/* A state of its own with the same scripts, loaded from the same bytes, for another
 * thread: same sandbox, budgets and results. NULL on out of memory. */
lc__lua *lc__lua_clone(const lc__lua *lx);

/* Prepares a new evaluation: builds every script's ctx and reseeds math.random. */
lc_status lc__lua_begin(lc__lua *lx, const lc_policy *pol, const lc_portfolio *pf);

/* Runs the scripts' max_leverage hooks on one evaluated account (tightening only, unless
 * the script may loosen; never to 1/mmr or above). Strings it records go to "arena". A
 * script that fails sets a->script_error and is not an error here; LC_ENOMEM is the
 * process running out of memory. */
lc_status lc__lua_account(lc__lua *lx, const struct lc__acct *ain, lc_account_result *a,
                          lc_position_result *positions, lc__arena *arena, bool *changed);

/* on_account, after the caller re-judged the account with the scripts' caps: every
 * finding is kept. Fails as lc__lua_account does. */
lc_status lc__lua_on_account(lc__lua *lx, const struct lc__acct *ain, lc_account_result *a,
                             lc_position_result *positions, lc__arena *arena);

/* adl_score(pos, acct, ctx) of script "script" on position "p" of account "a": its score,
 * or LC_EINPUT with the reason in "err" (no such hook, a failure, not a finite number). */
lc_status lc__lua_adl_score(lc__lua *lx, const char *script, const struct lc__acct *ain,
                            lc_account_result *a, lc_position_result *p, double *score,
                            char *err, size_t errlen);

/* Whether script "script" of "lx" (may be NULL) defines adl_score. */
bool lc__lua_has_adl(const lc__lua *lx, const char *script);

#endif
