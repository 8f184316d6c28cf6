/*
 * lua_int.h - policy scripts: one sandboxed Lua 5.4 state per policy, and the hooks the
 * evaluation calls.
 */
#ifndef LC_LUA_INT_H
#define LC_LUA_INT_H

#include "base/base.h"
#include "syntax/node.h"

#include <lua.h>

struct lc__acct;
struct lc__pos;

typedef struct lc__script {
    const char *name;  /* used in bindings ("script:<name>") and messages */
    const char *path;
    long market;       /* a market's own script, or -1 for every market */
    bool may_loosen;   /* scripts_may_loosen: a cap above the declarative one applies */
    int fn_maxlev;     /* registry refs, LUA_NOREF when the hook is absent */
    int fn_account;
    int env_mt;        /* metatable of the fresh per-call environments */
    int params;        /* read-only params table */
    int ctx;           /* read-only ctx of the current evaluation */
} lc__script;

typedef struct lc__lua {
    lua_State *L;
    size_t mem, mem_limit;   /* bytes in use by the state, and its cap */
    long instr_limit;        /* instructions per hook call, and pattern-matching steps */
    long pattern_steps;      /* pattern-matching steps left in the current call */
    lc__script *scripts;
    size_t n_scripts, cap_scripts;
    int pos_mt, acct_mt;     /* metatables of the position and account views */
    int readonly_mt_marker;  /* registry ref to the marker of read-only tables */
    unsigned gen;            /* views older than this generation are stale */
    /* the call in progress */
    const lc_policy *pol;
    const lc_portfolio *pf;
    const struct lc__acct *ain;
    lc_account_result *acct;
    lc_position_result *positions;
    lc__arena *arena;        /* where findings, log lines and messages go */
    const char **log;
    size_t n_log, cap_log;
    size_t n_log_dropped;    /* lines past LC_LUA_MAX_LOG_LINES, counted for the marker */
    lc_finding *found;       /* on_account findings of the account in progress */
    size_t n_found, cap_found;
    const lc__script *cur;   /* the script being called */
    char err[512];           /* the first line of the last error, kept in C memory */
    bool oom;                /* an allocation failed below the cap: real out of memory */
    bool lost;               /* a string of the account could not be kept: out of memory */
} lc__lua;

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

/* lua_pattern.c: replaces find, match, gmatch and gsub in the string library at index
 * "strlib" with versions that count their steps against lx->pattern_steps. */
void lc__lua_budget_patterns(lc__lua *lx, int strlib);

/* lua_api.c: the views and the levcal table. */
void lc__lua_open_api(lc__lua *lx);
void lc__lua_push_position(lc__lua *lx, lc_position_result *p);
void lc__lua_push_account(lc__lua *lx, lc_account_result *a);
/* Pushes a read-only copy of policy node "n" (scalars, lists, maps). */
void lc__lua_push_node(lc__lua *lx, const lc__node *n);
/* Turns the table on top of the stack into a read-only proxy (in place). */
void lc__lua_make_readonly(lc__lua *lx);

#endif
