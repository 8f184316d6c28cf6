function max_leverage(pos, acct, ctx)
    return math.random(2, 100)
end
