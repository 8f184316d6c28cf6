local kept = {}

function max_leverage(pos, acct, ctx)
    if kept[1] then
        return kept[1].qty -- a position from an earlier call
    end
    kept[1] = pos
end
