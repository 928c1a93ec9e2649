// Every scored firm or person with its name, region code (null for persons: the contract gives them
// none) and stored risk score: the credit-tier distribution and lists.
// params:
// returns: key, name, region_code, risk_score
// template: label=Firm|Person
MATCH (n:{{label}})
WHERE n.risk_score IS NOT NULL
RETURN n.{{label_key}} AS key, n.name AS name, n.region_code AS region_code, n.risk_score AS risk_score
