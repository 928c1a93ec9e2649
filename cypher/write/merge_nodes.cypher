// Upsert one node per row by its key; properties are added or replaced, never removed.
// params: rows (list of {key, props})
// returns: n (rows merged)
// template: label=Firm|Person|Address|Phone|CreditRecord|Event
UNWIND $rows AS row
MERGE (n:{{label}} {{{label_key}}: row.key})
SET n += row.props
RETURN count(n) AS n
