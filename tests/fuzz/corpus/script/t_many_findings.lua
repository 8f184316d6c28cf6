-- 69 notes, then one liquidate: the verdict must see the last one.
function on_account(acct, ctx)
    local f = {}
    for i = 1, 69 do
        f[i] = {rule = "n" .. i, action = "note", message = "note " .. i}
    end
    f[70] = {rule = "last", action = "liquidate", message = "the 70th finding"}
    return f
end
