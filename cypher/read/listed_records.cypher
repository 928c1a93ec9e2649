// Credit records of the given kinds with each subject of one label they are tied to (published
// with a code, or linked by resolution with the link's decision): where joint punishment starts.
// params: kinds
// returns: record_id, kind, document_no, authority, decided_on, expires_on, subject_key, subject_name, region_code, rid, decision, model_version
// template: label=Firm|Person
MATCH (s:{{label}})-[r:SUBJECT_OF]->(c:CreditRecord)
WHERE c.kind IN $kinds
RETURN c.record_id AS record_id, c.kind AS kind, c.document_no AS document_no,
       c.authority AS authority, c.decided_on AS decided_on, c.expires_on AS expires_on,
       s.{{label_key}} AS subject_key, s.name AS subject_name, s.region_code AS region_code,
       r.rid AS rid, r.decision AS decision, r.model_version AS model_version
