// Every resolution link of many events at once (read/record_links_events for a list): an
// increment reads the stored links of the records it resolves again, not the whole graph.
// params: keys (list of event_id)
// returns: record_id, label, key, score, decision, evidence, model_version
UNWIND $keys AS rid
MATCH (:Event {event_id: rid})-[m:MENTIONS]->(s)
WHERE m.model_version IS NOT NULL
RETURN rid AS record_id, CASE WHEN s:Firm THEN 'Firm' ELSE 'Person' END AS label,
       coalesce(s.uscc, s.person_id) AS key, m.score AS score, m.decision AS decision,
       m.evidence AS evidence, m.model_version AS model_version
