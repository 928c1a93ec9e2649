// Write risk scores onto subject nodes (risk_* properties); unknown subjects are skipped.
// params: rows (list of {key, score, own_score, related_score, model_version, top_reasons})
// returns: n (subjects updated)
// template: label=Firm|Person
UNWIND $rows AS row
MATCH (n:{{label}} {{{label_key}}: row.key})
SET n.risk_score = row.score, n.risk_own_score = row.own_score, n.risk_related_score = row.related_score,
    n.risk_model_version = row.model_version, n.risk_top_reasons = row.top_reasons
RETURN count(n) AS n
