function max_leverage(pos, acct, ctx)
    setmetatable(string, {__index = function() return "pwned" end})
end
