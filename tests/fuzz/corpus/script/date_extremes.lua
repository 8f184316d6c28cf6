function max_leverage(pos, acct, ctx)
    local ok1 = pcall(levcal.date, 1e300)
    local ok2 = pcall(levcal.date, 0 / 0)
    local ok3 = pcall(levcal.date, -1e300)
    if ok1 or ok2 or ok3 then return 0 / 0 end
    return 500
end
