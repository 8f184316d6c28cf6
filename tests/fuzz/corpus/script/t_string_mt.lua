function max_leverage(pos, acct, ctx)
    local mt = getmetatable("")
    mt.__index = {}
end
