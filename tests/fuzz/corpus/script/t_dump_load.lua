function max_leverage(pos, acct, ctx)
    local f = load(string.dump(function() return 1000 end))
    return f()
end
