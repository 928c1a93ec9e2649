// Every firm's region code, name and stored risk score (null when unscored): the regional map.
// params:
// returns: key, name, region_code, risk_score
MATCH (f:Firm)
RETURN f.uscc AS key, f.name AS name, f.region_code AS region_code, f.risk_score AS risk_score
