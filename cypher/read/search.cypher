// Subjects whose key, name or other names contain the text, ranked: exact key, exact name, name
// prefix, name contains, other name contains, key contains. The three CONTAINS lookups go through
// TEXT indexes (name, key, other_names_text: the other names joined, kept by merge_firms and
// schema/derive_search_text), so a search costs the matches, not a scan of every subject; the rank is
// then read off the node itself, so the index branches only find candidates and never change it.
// params: text, limit
// returns: key, name, other_names, rank
// template: label=Firm|Person
CALL () {
  MATCH (n:{{label}}) WHERE n.name CONTAINS $text RETURN n
  UNION
  MATCH (n:{{label}}) WHERE n.other_names_text CONTAINS $text RETURN n
  UNION
  MATCH (n:{{label}}) WHERE n.{{label_key}} CONTAINS $text RETURN n
}
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
