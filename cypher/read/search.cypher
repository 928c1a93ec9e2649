// Subjects whose key, name or other names contain the text, ranked: exact key, exact name, name
// prefix, name contains, other name contains, key contains.
// params: text, limit
// returns: key, name, other_names, rank
// template: label=Firm|Person
MATCH (n:{{label}})
WITH n, coalesce(n.other_names, []) AS others
WITH n, others, CASE
    WHEN n.{{label_key}} = $text THEN 0
    WHEN n.name = $text THEN 1
    WHEN n.name STARTS WITH $text THEN 2
    WHEN n.name CONTAINS $text THEN 3
    WHEN any(o IN others WHERE o CONTAINS $text) THEN 4
    WHEN n.{{label_key}} CONTAINS $text THEN 5
  END AS rank
WHERE rank IS NOT NULL
RETURN n.{{label_key}} AS key, n.name AS name, others AS other_names, rank
ORDER BY rank, key
LIMIT $limit
