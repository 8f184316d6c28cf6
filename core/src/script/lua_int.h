/*
 * lua_int.h - inside the script layer: the Lua state of a policy and the pieces of the
 * host (lua_host.c), the sandbox (lua_sandbox.c), the API scripts see (lua_api.c) and the
 * budgeted pattern functions (lua_pattern.c). Only script/ includes it, and with it
 * <lua.h>; the rest of levcal sees script.h.
 */
#ifndef LC_SCRIPT_LUA_INT_H
#define LC_SCRIPT_LUA_INT_H

#include "script/script.h"

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
    int fn_delev;      /* deleverage(acct, ctx) -> nil or {action=..., reason=...} */
    int fn_adl;        /* adl_score(pos, acct, ctx) -> number */
    int env_mt;        /* metatable of the fresh per-call environments */
    int params;        /* read-only params table */
    int ctx;           /* read-only ctx of the current evaluation */
    char *src;         /* the bytes loaded, kept to load them again into a clone */
    size_t src_len;
    const lc__node *params_node; /* in the policy's tree, which outlives the state */
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
    int err_line;            /* the script line of the last error, from the stack; 0 if none */
    char err_src[80];        /* ... and its chunk's short name (LUA_IDSIZE) */
    bool oom;                /* an allocation failed below the cap: real out of memory */
    bool lost;               /* a string of the account could not be kept: out of memory */
} lc__lua;


/* lua_pattern.c: replaces find, match, gmatch and gsub in the string library at index
 * "strlib" with versions that count their steps against lx->pattern_steps. */
void lc__lua_budget_patterns(lc__lua *lx, int strlib);

/* lua_sandbox.c: opens the safe libraries and blocks the rest (before the API), then makes
 * the libraries and the globals read-only (after it). */
void lc__lua_sandbox_open(lc__lua *lx);
void lc__lua_sandbox_freeze(lc__lua *lx);

/* lua_api.c: the views and the levcal table. */
void lc__lua_open_api(lc__lua *lx);
void lc__lua_push_position(lc__lua *lx, lc_position_result *p);
void lc__lua_push_account(lc__lua *lx, lc_account_result *a);
/* Pushes a read-only copy of policy node "n" (scalars, lists, maps). */
void lc__lua_push_node(lc__lua *lx, const lc__node *n);
/* Turns the table on top of the stack into a read-only proxy (in place). */
void lc__lua_make_readonly(lc__lua *lx);

#endif
