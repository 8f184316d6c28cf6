function on_account(acct, ctx)
    error("no verdict for " .. acct.id)
end
