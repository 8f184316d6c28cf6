function max_leverage(pos, acct, ctx)
    local f = io.open("/etc/passwd")
    return 10
end
