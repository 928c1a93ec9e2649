// Upsert Event nodes by event_id; occurred_at (naive China time) travels as an ISO string.
// params: rows (list of {key, props, occurred_at})
// returns: n (rows merged)
UNWIND $rows AS row
MERGE (n:Event {event_id: row.key})
SET n += row.props, n.occurred_at = localdatetime(row.occurred_at)
RETURN count(n) AS n
