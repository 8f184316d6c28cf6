-- Thin weekend and holiday books: cut max leverage by 'haircut' on Saturdays and Sundays
-- (UTC) and on the listed holidays, judged at the portfolio's as_of.
--
-- params: haircut (default 0.5), holidays (list of "YYYY-MM-DD", default none)

local function is_holiday(iso, holidays)
    for _, day in ipairs(holidays or {}) do
        if day == iso then
            return true
        end
    end
    return false
end

function max_leverage(pos, acct, ctx)
    if not ctx.now then
        error("weekend_haircut needs the portfolio's as_of")
    end
    local d = levcal.date(ctx.now)
    local weekend = d.wday == 1 or d.wday == 7 -- Sunday or Saturday
    if weekend or is_holiday(d.iso, ctx.params.holidays) then
        return pos.max_leverage * (1 - (ctx.params.haircut or 0.5))
    end
end
