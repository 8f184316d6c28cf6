-- Burns about 2 instructions per iteration, ctx.params.n iterations per call.
function max_leverage(pos, acct, ctx)
    local x = 0
    for i = 1, ctx.params.n do
        x = x + i
    end
    return nil
end
