// Upsert Firm nodes by USCC. founded_on travels as an ISO string: packing a date costs the driver
// far more than a string, so the statement converts it. other_names_text (the other names joined,
// for read/search's TEXT index) is derived here, after the new properties are set, so it always
// follows other_names; no other reader sees it (Neo4jStore drops it from the properties it reads).
// params: rows (list of {key, props, founded_on})
// returns: n (rows merged)
UNWIND $rows AS row
MERGE (n:Firm {uscc: row.key})
SET n += row.props, n.founded_on = date(row.founded_on)
SET n.other_names_text = CASE
    WHEN size(coalesce(n.other_names, [])) = 0 THEN null
    ELSE reduce(s = '', o IN n.other_names | s + o + '\n')
  END
RETURN count(n) AS n
