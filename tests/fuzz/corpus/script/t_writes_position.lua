function max_leverage(pos, acct, ctx)
    pos.qty = 0
end
