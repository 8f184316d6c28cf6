function max_leverage(pos, acct, ctx)
    rawset(_G, "tier_override", 1000)
end
