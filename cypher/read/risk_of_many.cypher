// The stored risk of many subjects of one label at once (tier recording reads the reasons of every
// subject whose tier changed): unknown or unscored keys give no row.
// params: keys (list of natural keys)
// returns: key, risk_score, risk_own_score, risk_related_score, risk_model_version, risk_top_reasons
// template: label=Firm|Person
UNWIND $keys AS k
MATCH (n:{{label}} {{{label_key}}: k})
WHERE n.risk_score IS NOT NULL
RETURN k AS key, n.risk_score AS risk_score, n.risk_own_score AS risk_own_score,
       n.risk_related_score AS risk_related_score, n.risk_model_version AS risk_model_version,
       n.risk_top_reasons AS risk_top_reasons
