// The holders (persons or firms) of affiliation roles at a batch of firms, with the role, the
// share and the validity window: who stands behind a firm.
// params: keys, rels
// returns: holder_label, holder_key, holder_name, rel, rid, firm_key, firm_name, firm_region_code, share_pct, start_date, end_date
UNWIND $keys AS k
MATCH (h)-[r:LEGAL_REP|OPERATOR|SHAREHOLDER|EXECUTIVE|SUPERVISOR]->(f:Firm {uscc: k})
WHERE type(r) IN $rels AND (h:Firm OR h:Person)
RETURN CASE WHEN h:Firm THEN 'Firm' ELSE 'Person' END AS holder_label,
       coalesce(h.uscc, h.person_id) AS holder_key, h.name AS holder_name, type(r) AS rel,
       r.rid AS rid, k AS firm_key, f.name AS firm_name, f.region_code AS firm_region_code,
       r.share_pct AS share_pct, r.start_date AS start_date, r.end_date AS end_date
