function on_account(acct, ctx)
    levcal.log("checked", acct.id, acct.n_positions, ctx.params.tag)
    local t = levcal.tier("X", 150000)
    local d = levcal.date(levcal.time("2024-10-26T12:00:00Z"))
    return {{rule = "info", action = "note",
             message = string.format("tier %d at %gx, wday %d, mark %g, tags %s, meta %s",
                 t.tier, t.max_leverage, d.wday, levcal.mark("X"), acct.tags[1], acct.meta.desk)}}
end
