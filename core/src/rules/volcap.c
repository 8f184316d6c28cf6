/*
 * volcap.c - a market's volatility cap: the leverage at which a move of z sigma over the
 * horizon takes the margin down to maintenance, or the market's fallback while its
 * model has no forecast; never above the tier's own maximum.
 */
#include "base/prefix.h"

#include "rules/rules.h"

void lc__vol_apply(lc__market *mk)
{
    lc__volcfg *vc = mk->vol;
    for (size_t t = 0; t < mk->n_tiers; t++) {
        double tier = mk->tiers[t].max_leverage;
        double cap = vc->state == LC__VOL_OK ? 1 / (vc->z * vc->sigma_h + mk->tiers[t].mmr)
                                             : vc->fallback;
        if (cap < tier) {
            vc->eff_lev[t] = cap;
            vc->binding[t] = vc->state == LC__VOL_OK ? LC_BIND_VOLATILITY : LC_BIND_FALLBACK;
        } else {
            vc->eff_lev[t] = tier;
            vc->binding[t] = LC_BIND_TIER;
        }
    }
}
