function max_leverage(pos, acct, ctx)
    local s = string.rep("x", 1e9)
    return #s
end
