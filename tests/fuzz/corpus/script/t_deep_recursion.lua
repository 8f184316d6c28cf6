local function down(n)
    return 1 + down(n + 1)
end

function max_leverage(pos, acct, ctx)
    return down(1)
end
