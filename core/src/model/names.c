/*
 * names.c - the words of the report and the policy for the model's enums: verdicts,
 * bindings, gap rules.
 */
#include "base/prefix.h"

#include "model/policy.h"

#include <string.h>

const char *lc_verdict_name(lc_verdict v)
{
    switch (v) {
    case LC_VERDICT_OK:
        return "ok";
    case LC_VERDICT_OVER_LIMIT:
        return "over_limit";
    case LC_VERDICT_LIQUIDATE:
        return "liquidate";
    }
    return "unknown";
}

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

