// Every resolution link of one credit record (all model versions, rejected ones too; a record
// published with its subject's code has no model version and is not a resolution link).
// params: record_id
// returns: label, key, score, decision, evidence, model_version
MATCH (t)-[r:SUBJECT_OF]->(:CreditRecord {record_id: $record_id})
WHERE r.model_version IS NOT NULL
RETURN CASE WHEN t:Firm THEN 'Firm' ELSE 'Person' END AS label, coalesce(t.uscc, t.person_id) AS key,
       r.score AS score, r.decision AS decision, r.evidence AS evidence, r.model_version AS model_version
