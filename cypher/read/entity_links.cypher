// Every resolution link naming some firms or persons: the events that mention them and the credit
// records resolved to them (all model versions, rejected ones too; published SUBJECT_OF, with no
// model version, is not a resolution link). An increment rechecks those records when it touches
// one of these subjects.
// params: keys (list of natural keys)
// returns: source, record_id, key, score, decision, evidence, model_version
// template: label=Firm|Person
UNWIND $keys AS k
MATCH (s:{{label}} {{{label_key}}: k})
CALL {
  WITH s
  MATCH (e:Event)-[m:MENTIONS]->(s)
  WHERE m.model_version IS NOT NULL
  RETURN 'events' AS source, e.event_id AS record_id, m AS link
  UNION ALL
  WITH s
  MATCH (s)-[r:SUBJECT_OF]->(c:CreditRecord)
  WHERE r.model_version IS NOT NULL
  RETURN 'credit_records' AS source, c.record_id AS record_id, r AS link
}
RETURN source, record_id, k AS key, link.score AS score, link.decision AS decision,
       link.evidence AS evidence, link.model_version AS model_version
