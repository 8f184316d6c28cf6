function max_leverage(pos, acct, ctx)
    return 500
end
