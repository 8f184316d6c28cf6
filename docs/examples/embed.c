/*
 * embed.c - the smallest useful embedding of levcal: load a policy and a portfolio,
 * evaluate, and act on each account's status.
 *
 * Build against an installed levcal:  cc embed.c $(pkg-config --cflags --libs levcal)
 * Run:                                ./a.out policies/default.yaml examples/portfolio.yaml
 * Where the shipped volatility models are: ./a.out --plugin-dir (lc_plugin_dir()).
 */
#include <levcal/levcal.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--plugin-dir") == 0) {
        const char *dir = lc_plugin_dir();
        printf("%s\n", dir ? dir : "(none)");
        return dir ? 0 : 1;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: %s POLICY PORTFOLIO\n", argv[0]);
        return 2;
    }
    lc_diags diags;
    lc_diags_init(&diags);
    lc_policy *policy = NULL;
    lc_portfolio *book = NULL;
    lc_report *report = NULL;
    int code = 2;

    /* Each load reports every problem of its file into diags, located file:line:col. */
    lc_status rc = lc_policy_load(argv[1], &policy, &diags);
    if (rc == LC_OK)
        rc = lc_portfolio_load(policy, argv[2], &book, &diags);
    if (rc == LC_OK)
        rc = lc_evaluate(policy, book, &report);
    if (rc != LC_OK) {
        lc_diags_print(&diags, stderr);
        fprintf(stderr, "embed: %s\n", lc_strerror(rc));
        goto out;
    }

    for (size_t i = 0; i < lc_report_account_count(report); i++) {
        const lc_account_result *a = lc_report_account(report, i);
        printf("%s %s equity=%.2f margin_ratio=%.4f\n", a->id, lc_verdict_name(a->status),
               a->equity, a->margin_ratio);
        for (size_t j = 0; j < a->n_positions; j++) {
            const lc_position_result *p = lc_report_position(report, a->first_position + j);
            printf("  %s tier %u max %gx liq %.2f\n", p->market, p->tier, p->max_leverage,
                   p->liquidation_price);
        }
    }
    code = 0;
out:
    /* The report borrows from the portfolio and policy: free it first. */
    lc_report_free(report);
    lc_portfolio_free(book);
    lc_policy_free(policy);
    lc_diags_free(&diags);
    return code;
}
