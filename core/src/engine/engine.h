/*
 * engine.h - evaluation of a portfolio under a policy, account by account.
 */
#ifndef LC_ENGINE_ENGINE_H
#define LC_ENGINE_ENGINE_H

#include "model/policy.h"
#include "model/portfolio.h"
#include "model/report.h"

/* Evaluates account "i" of "pf" into "a" and its positions into "out" (room for the
 * account's position count). Strings the policy's scripts produce go to "arena" (NULL:
 * scripts are not run). LC_ENOMEM when the scripts' strings or state ran out of memory;
 * a script that fails is not an error here (a->script_error says so). */
lc_status lc__eval_account(const lc_policy *pol, const lc_portfolio *pf, size_t i,
                           lc_account_result *a, lc_position_result *out, lc__arena *arena);

/* Starts an evaluation of "pf": the policy's scripts get their context (no-op without
 * scripts). Call before the first lc__eval_account of an evaluation. */
lc_status lc__eval_begin(const lc_policy *pol, const lc_portfolio *pf);

#endif
