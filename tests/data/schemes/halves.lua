-- Halves every position's max leverage: a script's cap on top of a margin scheme.
function max_leverage(pos, acct, ctx)
    return pos.max_leverage / 2
end
