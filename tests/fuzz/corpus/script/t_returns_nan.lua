function max_leverage(pos, acct, ctx)
    return 0 / 0
end
