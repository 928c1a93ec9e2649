// Upsert affiliation role relationships (holder -> firm); `rid` is the start date (or '-'), so a
// role renewed with a new start date is a second relationship. Dates travel as ISO strings.
// Rows whose holder or firm does not exist write nothing.
// params: rows (list of {src, dst, rid, props, start_date, end_date})
// returns: n (relationships merged)
// template: src=Firm|Person; rel=LEGAL_REP|OPERATOR|SHAREHOLDER|EXECUTIVE|SUPERVISOR
UNWIND $rows AS row
MATCH (a:{{src}} {{{src_key}}: row.src})
MATCH (b:Firm {uscc: row.dst})
MERGE (a)-[r:{{rel}} {rid: row.rid}]->(b)
SET r += row.props, r.start_date = date(row.start_date), r.end_date = date(row.end_date)
RETURN count(r) AS n
