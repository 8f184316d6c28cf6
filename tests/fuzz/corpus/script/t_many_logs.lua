function on_account(acct, ctx)
    for i = 1, 150 do
        levcal.log("line", i)
    end
end
