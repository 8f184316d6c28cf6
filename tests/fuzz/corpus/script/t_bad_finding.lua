function on_account(acct, ctx)
    return {{rule = "r", action = "explode"}}
end
