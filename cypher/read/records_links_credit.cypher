// Every resolution link of many credit records at once (read/record_links_credit for a list; a
// record published with its subject's code has no model version and is not a resolution link).
// params: keys (list of record_id)
// returns: record_id, label, key, score, decision, evidence, model_version
UNWIND $keys AS rid
MATCH (t)-[r:SUBJECT_OF]->(:CreditRecord {record_id: rid})
WHERE r.model_version IS NOT NULL
RETURN rid AS record_id, CASE WHEN t:Firm THEN 'Firm' ELSE 'Person' END AS label,
       coalesce(t.uscc, t.person_id) AS key, r.score AS score, r.decision AS decision,
       r.evidence AS evidence, r.model_version AS model_version
