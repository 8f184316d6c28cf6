function max_leverage(pos, acct, ctx)
    local f, err = load("\27Lua\84\0")
    error(err)
end
