// Clear what the registry said about subjects an increment replaces with a changed row: every
// property but the key and the risk_* scores, and their REGISTERED_AT / HAS_PHONE relationships.
// The changed rows are merged right after, so a cleared field or a moved address does not linger.
// params: rows (list of {key})
// returns: n (subjects reset)
// template: label=Firm|Person
UNWIND $rows AS row
MATCH (n:{{label}} {{{label_key}}: row.key})
OPTIONAL MATCH (n)-[c:REGISTERED_AT|HAS_PHONE]->()
DELETE c
WITH DISTINCT n
SET n = {{{label_key}}: n.{{label_key}}, risk_score: n.risk_score, risk_own_score: n.risk_own_score,
         risk_related_score: n.risk_related_score, risk_model_version: n.risk_model_version,
         risk_top_reasons: n.risk_top_reasons}
RETURN count(n) AS n
