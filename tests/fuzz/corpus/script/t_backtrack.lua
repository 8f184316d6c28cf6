-- Patterns whose backtracking takes exponential time in Lua's own matcher; which one is
-- tried comes from ctx.params.which.
local subject = ("a"):rep(24)
local patterns = {
    find = function() return string.find(subject, ("a?"):rep(24) .. ("a"):rep(24) .. "b") end,
    match = function() return subject:match(("a*"):rep(24) .. "b") end,
    gmatch = function() for _ in subject:gmatch(("a-"):rep(24) .. "b") do end end,
    gsub = function() return (subject .. subject):gsub(("a?"):rep(30) .. ("a"):rep(30) .. "c", "") end,
}
function max_leverage(pos, acct, ctx)
    patterns[ctx.params.which]()
    return nil
end
