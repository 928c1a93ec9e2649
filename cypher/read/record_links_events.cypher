// Every resolution link of one event (all model versions, rejected ones too).
// params: record_id
// returns: label, key, score, decision, evidence, model_version
MATCH (:Event {event_id: $record_id})-[m:MENTIONS]->(s)
RETURN CASE WHEN s:Firm THEN 'Firm' ELSE 'Person' END AS label, coalesce(s.uscc, s.person_id) AS key,
       m.score AS score, m.decision AS decision, m.evidence AS evidence, m.model_version AS model_version
