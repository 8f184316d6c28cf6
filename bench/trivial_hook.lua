-- The lightest possible hook: measures what calling a script costs per position.
function max_leverage(pos, acct, ctx)
    return nil
end
