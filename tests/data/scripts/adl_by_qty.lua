-- Ranks by position size: the biggest goes first.
function adl_score(pos, acct, ctx)
    return math.abs(pos.qty)
end
