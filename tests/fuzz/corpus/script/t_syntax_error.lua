function max_leverage(pos, acct, ctx)
    return pos.max_leverage *
end
