-- Correlated markets move together: cap the notional an account holds over a named group
-- of markets, long and short alike. Over the cap, no new exposure.
--
-- params: group (a name for messages), markets (list), max_notional

function on_account(acct, ctx)
    local p = ctx.params
    local members = {}
    for _, m in ipairs(p.markets) do
        members[m] = true
    end
    local total = 0
    for _, pos in ipairs(acct.positions) do
        if members[pos.market] then
            total = total + pos.notional
        end
    end
    if total > p.max_notional then
        return {{
            rule = "correlated_group",
            action = "over_limit",
            message = string.format("%s group notional %.2f is above its cap %.2f",
                p.group or "correlated", total, p.max_notional),
        }}
    end
end
