// Derive other_names_text (the other names joined by newlines, for read/search's TEXT index) on
// up to $batch subjects that lack it: firms written by neo4j-admin import or by a version before
// the property existed. Run until it returns fewer than $batch (one transaction for a whole city's
// firms runs Neo4j out of transaction memory); merge_firms keeps it current on every later write.
// params: batch
// returns: n (subjects given the property)
// template: label=Firm|Person
MATCH (n:{{label}})
WHERE size(coalesce(n.other_names, [])) > 0 AND n.other_names_text IS NULL
WITH n LIMIT $batch
SET n.other_names_text = reduce(s = '', o IN n.other_names | s + o + '\n')
RETURN count(n) AS n
