local inputs = {huge = 1e300, nan = 0 / 0}
function max_leverage(pos, acct, ctx)
    levcal.date(inputs[ctx.params.which])
end
