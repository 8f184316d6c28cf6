function max_leverage(pos, acct, ctx)
    while true do end
end
