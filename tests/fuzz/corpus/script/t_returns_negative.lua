function max_leverage(pos, acct, ctx)
    return -1
end
