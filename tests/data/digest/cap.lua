-- Caps every position at params.max_leverage.
function max_leverage(pos, acct, ctx)
    return ctx.params.max_leverage
end
