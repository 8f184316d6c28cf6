function max_leverage(pos, acct, ctx)
    local socket = require("socket")
end
