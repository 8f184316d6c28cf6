function max_leverage(pos, acct, ctx)
    return 200
end
