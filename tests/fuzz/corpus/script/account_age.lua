-- Young accounts get less leverage: under min_age_days since 'created', at most
-- max_leverage (Binance capped accounts younger than 60 days at 20x from 2021-07-27).
-- An account without a 'created' date counts as new: the rule fails closed.
--
-- params: min_age_days (default 60), max_leverage (default 20)

function max_leverage(pos, acct, ctx)
    local min_age = ctx.params.min_age_days or 60
    local cap = ctx.params.max_leverage or 20
    if not ctx.now then
        error("account_age needs the portfolio's as_of to know how old accounts are")
    end
    local created = acct.created
    if created and (ctx.now - created) / 86400 >= min_age then
        return nil
    end
    return cap
end
