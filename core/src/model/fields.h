/*
 * fields.h - the figures of position and account results by name, in report order: one
 * list that the JSON writer, the scripts' views and the documentation check all read, so
 * a field added here appears everywhere at once.
 *
 * X(name, kind): the struct member and report key "name"; kind NUM for a double (null in
 * the report, nil in scripts, when NaN) or INT for a whole number.
 */
#ifndef LC_MODEL_FIELDS_H
#define LC_MODEL_FIELDS_H

#define LC__POSITION_NUMBERS(X)                                                             \
    X(qty, NUM)                                                                             \
    X(entry, NUM)                                                                           \
    X(mark, NUM)                                                                            \
    X(notional, NUM)                                                                        \
    X(tier, INT)                                                                            \
    X(max_leverage, NUM)                                                                    \
    X(mmr, NUM)                                                                             \
    X(maintenance_amount, NUM)                                                              \
    X(maintenance_margin, NUM)                                                              \
    X(initial_margin, NUM)                                                                  \
    X(upnl, NUM)                                                                            \
    X(liquidation_price, NUM)

#define LC__ACCOUNT_NUMBERS(X)                                                              \
    X(collateral, NUM)                                                                      \
    X(equity, NUM)                                                                          \
    X(total_equity, NUM)                                                                    \
    X(upnl, NUM)                                                                            \
    X(notional, NUM)                                                                        \
    X(maintenance_margin, NUM)                                                              \
    X(initial_margin, NUM)                                                                  \
    X(available, NUM)                                                                       \
    X(margin_ratio, NUM)                                                                    \
    X(leverage, NUM)

#endif
