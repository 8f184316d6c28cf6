function max_leverage(pos, acct, ctx)
    math.floor = function() return 0 end
end
