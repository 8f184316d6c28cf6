function max_leverage(pos, acct, ctx)
    return "x"
end
