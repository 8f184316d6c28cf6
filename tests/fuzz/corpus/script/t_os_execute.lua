function max_leverage(pos, acct, ctx)
    os.execute("touch /tmp/levcal-escaped")
end
