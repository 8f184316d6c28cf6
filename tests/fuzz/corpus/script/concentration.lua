-- Concentration limit: no single market may tie up more than max_share of an account's
-- equity. The share is measured on initial margin by default (the equity a market
-- commits), or on notional with basis = "notional". Over the limit, no new exposure.
--
-- params: max_share (default 0.4), basis ("initial_margin" or "notional")

function on_account(acct, ctx)
    local max_share = ctx.params.max_share or 0.4
    local basis = ctx.params.basis or "initial_margin"
    if acct.equity <= 0 then
        return nil -- the engine already liquidates; a share of nothing means nothing
    end
    local order, sums = {}, {}
    for _, pos in ipairs(acct.positions) do
        if not sums[pos.market] then
            order[#order + 1] = pos.market
            sums[pos.market] = 0
        end
        sums[pos.market] = sums[pos.market] + pos[basis]
    end
    local findings = {}
    for _, market in ipairs(order) do
        local share = sums[market] / acct.equity
        if share > max_share then
            findings[#findings + 1] = {
                rule = "concentration",
                action = "over_limit",
                message = string.format("%s %s is %.1f%% of equity, above the %.1f%% limit",
                    market, basis, share * 100, max_share * 100),
            }
        end
    end
    if #findings > 0 then
        return findings
    end
end
