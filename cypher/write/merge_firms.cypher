// Upsert Firm nodes by USCC. founded_on travels as an ISO string: packing a date costs the driver
// far more than a string, so the statement converts it.
// params: rows (list of {key, props, founded_on})
// returns: n (rows merged)
UNWIND $rows AS row
MERGE (n:Firm {uscc: row.key})
SET n += row.props, n.founded_on = date(row.founded_on)
RETURN count(n) AS n
