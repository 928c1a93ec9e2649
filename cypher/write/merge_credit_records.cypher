// Upsert CreditRecord nodes by record_id; decided_on / expires_on travel as ISO strings.
// params: rows (list of {key, props, decided_on, expires_on})
// returns: n (rows merged)
UNWIND $rows AS row
MERGE (n:CreditRecord {record_id: row.key})
SET n += row.props, n.decided_on = date(row.decided_on), n.expires_on = date(row.expires_on)
RETURN count(n) AS n
