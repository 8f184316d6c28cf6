/*
 * load.h - the policy loader's sections, each in its own file.
 */
#ifndef LC_LOAD_LOAD_H
#define LC_LOAD_LOAD_H

#include "model/policy.h"
#include "syntax/node.h"

/* policy_gov.c: 'policy.approvals', the 'lint' section, referenced files and the digest. */
lc_status lc__load_approvals(lc__ld *ld, lc_policy *p, const lc__node *seq);
void lc__load_lint(lc__ld *ld, lc_policy *p, const lc__node *m);
lc_status lc__policy_add_file(lc_policy *p, const char *written, const char *sha256);
lc_status lc__policy_digest(lc__ld *ld, lc_policy *p, const lc__node *root);

/* policy_scripts.c: 'limits', 'scripts', and a market's 'script'. */
void lc__load_limits(lc__ld *ld, lc_policy *p, const lc__node *m);
lc_status lc__load_scripts(lc__ld *ld, lc_policy *p, const lc__node *seq);
lc_status lc__load_market_script(lc__ld *ld, lc_policy *p, long market, const lc__node *n);

/* policy_models.c: the 'models' section, and a market's 'volatility' section. */
lc_status lc__load_models(lc__ld *ld, lc_policy *p, const lc__node *m);
lc_status lc__load_volatility(lc__ld *ld, lc_policy *p, lc__market *mk, const lc__node *v);

/* policy_margin.c: a market's 'tiers_by' (false on a bad value) and 'margin' scheme,
 * which also sets the one tier that stands for the scheme. */
bool lc__load_basis(lc__ld *ld, lc__market *mk, const lc__node *n);
lc_status lc__load_margin(lc__ld *ld, lc_policy *p, lc__market *mk, const lc__node *m);

/* policy_delev.c: the 'deleveraging' section (after the markets, which rules name), and the
 * lot sizes every market needs when the section makes plans. */
lc_status lc__load_deleveraging(lc__ld *ld, lc_policy *p, const lc__node *m);
void lc__check_lot_sizes(lc__ld *ld, const lc_policy *p);

/* portfolio.c, for NDJSON streams: the first line (or --marks file: marks, open_interest,
 * as_of), and a run of account lines written as one JSON array whose text starts at line
 * "first_line" of the stream, reading the head's marks. */
lc_status lc__portfolio_load_head(const lc_policy *pol, const char *name, const char *buf,
                                  size_t len, bool json, lc_portfolio **pp, lc_diags *diags);
lc_status lc__portfolio_load_chunk(const lc_policy *pol, const char *name, const char *buf,
                                   size_t len, unsigned first_line, const lc_portfolio *head,
                                   lc_portfolio **pp, lc_diags *diags);

#endif
