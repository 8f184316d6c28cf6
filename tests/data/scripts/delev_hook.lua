-- Asks for deleveraging above 10x, and a margin call above 5x.
function deleverage(acct, ctx)
    if acct.leverage and acct.leverage > 10 then
        return {action = "deleverage", reason = string.format("leverage %.1f above 10", acct.leverage)}
    elseif acct.leverage and acct.leverage > 5 then
        return {action = "margin_call", reason = "above 5x"}
    end
    return nil
end
