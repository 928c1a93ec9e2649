// Remove an event's MENTIONS links of one model version before that version's links are rewritten.
// params: rows (list of {record_id, model_version})
// returns: n (relationships deleted)
UNWIND $rows AS row
MATCH (:Event {event_id: row.record_id})-[r:MENTIONS]->()
WHERE r.model_version = row.model_version
WITH r
DELETE r
RETURN count(*) AS n
