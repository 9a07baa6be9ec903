-- qyzmet schema 17 (SQLite): every rung's cycle and rung name are the ones
-- of its key (timer/cycle/rung), so that the store reads a firing's timer
-- ID and cycle from the key and a batch claim reads two columns fewer per
-- rung (issue 7), and a firing's Key() is its row's: its acknowledgement
-- finds it.
--
-- They could differ only for a rung converted from a firing document that
-- lacked them (015 made them 0 and empty): they are taken from the key
-- when it starts with the rung's timer ID and a slash and a cycle follows.
-- Any other row whose key is not its timer/cycle/rung (edited by hand)
-- stays as it is and does not decode, as a rung whose rule does not parse.
UPDATE rungs SET cycle = CAST(p.c AS INTEGER), rung = p.r
    FROM (
        SELECT key, substr(rest, 1, instr(rest, '/') - 1) AS c, substr(rest, instr(rest, '/') + 1) AS r
        FROM (
            SELECT key, substr(key, length(timer_id) + 2) AS rest FROM rungs
            WHERE key <> timer_id || '/' || cycle || '/' || rung
                AND substr(key, 1, length(timer_id) + 1) = timer_id || '/'
        )
    ) AS p
    -- a cycle as Key() writes it: not 01, -0 or +1
    WHERE rungs.key = p.key AND p.c <> '' AND CAST(CAST(p.c AS INTEGER) AS TEXT) = p.c;
