/*
 * names.c - the words of the report and the policy for the model's enums: verdicts,
 * bindings, gap rules.
 */
#include "base/prefix.h"

#include "model/policy.h"

#include <string.h>

const char *lc_verdict_name(lc_verdict v)
{
    static const char *const names[LC_N_VERDICTS] = {"ok",          "margin_call", "over_limit",
                                                     "reduce_only", "deleverage",  "liquidate"};
    return (size_t)v < LC_N_VERDICTS ? names[v] : "unknown";
}

const char *const lc__metric_names[LC__N_METRICS] = {
    "equity", "collateral", "upnl", "notional", "maintenance_margin", "initial_margin",
    "available", "margin_ratio", "leverage"};

const char *const lc__pmetric_names[LC__N_PMETRICS] = {"notional", "upnl", "maintenance_margin",
                                                       "initial_margin", "tier"};

const char *const lc__order_names[4] = {"largest_maintenance_margin_first", "largest_loss_first",
                                        "largest_notional_first", "proportional"};

const char *lc_binding_name(lc_binding b)
{
    switch (b) {
    case LC_BIND_TIER:
        return "tier";
    case LC_BIND_VOLATILITY:
        return "volatility";
    case LC_BIND_FALLBACK:
        return "fallback";
    case LC_BIND_SCRIPT:
        return "script";
    case LC_BIND_SCRIPT_ERROR:
        return "script_error";
    case LC_BIND_MARGIN:
        return "margin_scheme";
    }
    return "tier";
}

bool lc__parse_gaps(const char *s, lc__gaps *out)
{
    static const char *const words[] = {"error", "drop", "scale"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, words[i]) == 0) {
            *out = (lc__gaps)i;
            return true;
        }
    }
    return false;
}

