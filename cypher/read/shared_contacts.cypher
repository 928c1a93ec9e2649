// Other subjects registered at one of this subject's addresses or phones.
// params: key, limit
// returns: via_label, via_key, label, key, name
// template: label=Firm|Person
MATCH (n:{{label}} {{{label_key}}: $key})-[:REGISTERED_AT|HAS_PHONE]->(c)<-[:REGISTERED_AT|HAS_PHONE]-(m)
WHERE m <> n
WITH DISTINCT c, m
RETURN CASE WHEN c:Address THEN 'Address' ELSE 'Phone' END AS via_label,
       coalesce(c.key, c.number) AS via_key,
       CASE WHEN m:Firm THEN 'Firm' ELSE 'Person' END AS label,
       coalesce(m.uscc, m.person_id) AS key, m.name AS name
ORDER BY via_label, via_key, label, key
LIMIT $limit
