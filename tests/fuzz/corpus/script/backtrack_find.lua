function max_leverage(pos, acct, ctx)
    string.find(("a"):rep(24), ("a?"):rep(24) .. ("a"):rep(24) .. "b")
end
