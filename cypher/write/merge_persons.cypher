// Upsert Person nodes by resident ID; birth_date travels as an ISO string.
// params: rows (list of {key, props, birth_date})
// returns: n (rows merged)
UNWIND $rows AS row
MERGE (n:Person {person_id: row.key})
SET n += row.props, n.birth_date = date(row.birth_date)
RETURN count(n) AS n
