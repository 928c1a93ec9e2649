// Upsert relationships without temporal properties (REGISTERED_AT, HAS_PHONE, SUBJECT_OF,
// MENTIONS) between two existing nodes; `rid` tells apart relationships of one type between the
// same two nodes (published vs. a link of a model version). Rows whose endpoints do not exist
// write nothing.
// params: rows (list of {src, dst, rid, props})
// returns: n (relationships merged)
// template: src=Firm|Person|Event; rel=REGISTERED_AT|HAS_PHONE|SUBJECT_OF|MENTIONS; dst=Firm|Person|Address|Phone|CreditRecord
UNWIND $rows AS row
MATCH (a:{{src}} {{{src_key}}: row.src})
MATCH (b:{{dst}} {{{dst_key}}: row.dst})
MERGE (a)-[r:{{rel}} {rid: row.rid}]->(b)
SET r += row.props
RETURN count(r) AS n
