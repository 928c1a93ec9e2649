// One hop over affiliation roles, either direction, from a batch of nodes of one label: the
// breadth-first search of associates and shortest paths runs in Python over these hops, so both
// stores share one traversal and one tie-breaking rule.
// params: keys, rels
// returns: key, rel, outgoing, other_label, other_key, other_name, share_pct
// template: label=Firm|Person
UNWIND $keys AS k
MATCH (n:{{label}} {{{label_key}}: k})-[r:LEGAL_REP|OPERATOR|SHAREHOLDER|EXECUTIVE|SUPERVISOR]-(m)
WHERE type(r) IN $rels AND m <> n
RETURN k AS key, type(r) AS rel, startNode(r) = n AS outgoing,
       CASE WHEN m:Firm THEN 'Firm' ELSE 'Person' END AS other_label,
       coalesce(m.uscc, m.person_id) AS other_key, m.name AS other_name, r.share_pct AS share_pct
