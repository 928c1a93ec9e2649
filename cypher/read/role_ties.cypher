// The firms a batch of holders of one label stands in an affiliation role at (holder -> firm as
// stored), with the role, the share and the validity window: the firms a listing reaches.
// params: keys, rels
// returns: holder_key, holder_name, rel, rid, firm_key, firm_name, firm_region_code, share_pct, start_date, end_date
// template: label=Firm|Person
UNWIND $keys AS k
MATCH (h:{{label}} {{{label_key}}: k})-[r:LEGAL_REP|OPERATOR|SHAREHOLDER|EXECUTIVE|SUPERVISOR]->(f:Firm)
WHERE type(r) IN $rels
RETURN k AS holder_key, h.name AS holder_name, type(r) AS rel, r.rid AS rid, f.uscc AS firm_key,
       f.name AS firm_name, f.region_code AS firm_region_code, r.share_pct AS share_pct,
       r.start_date AS start_date, r.end_date AS end_date
