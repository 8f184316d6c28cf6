-- Counts calls in a global: a fresh environment per call keeps it at 1.
function max_leverage(pos, acct, ctx)
    calls = (calls or 0) + 1
    return 100 - calls
end
