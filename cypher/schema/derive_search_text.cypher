// Derive other_names_text (the other names joined by newlines, for read/search's TEXT index) on
// the subjects that lack it: firms written by neo4j-admin import or by a version before the
// property existed. Idempotent; merge_firms keeps it current on every later write.
// params:
// returns: n (subjects given the property)
// template: label=Firm|Person
MATCH (n:{{label}})
WHERE size(coalesce(n.other_names, [])) > 0 AND n.other_names_text IS NULL
SET n.other_names_text = reduce(s = '', o IN n.other_names | s + o + '\n')
RETURN count(n) AS n
