function on_account(acct, ctx)
    local s = ("a"):rep(40)
    s:gsub(("a*"):rep(30) .. "c", "x")
end
