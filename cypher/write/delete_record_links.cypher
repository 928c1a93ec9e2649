// Remove a credit record's resolved SUBJECT_OF links of one model version before they are rewritten;
// links published with a valid code carry no model_version and are kept.
// params: rows (list of {record_id, model_version})
// returns: n (relationships deleted)
UNWIND $rows AS row
MATCH (:CreditRecord {record_id: row.record_id})<-[r:SUBJECT_OF]-()
WHERE r.model_version = row.model_version
WITH r
DELETE r
RETURN count(*) AS n
