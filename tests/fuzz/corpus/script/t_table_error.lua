function on_account(acct, ctx)
    error({code = 42})
end
