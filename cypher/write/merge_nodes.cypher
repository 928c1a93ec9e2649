// Upsert nodes of a label without temporal properties (Address, Phone) by their key.
// params: rows (list of {key, props})
// returns: n (rows merged)
// template: label=Address|Phone
UNWIND $rows AS row
MERGE (n:{{label}} {{{label_key}}: row.key})
SET n += row.props
RETURN count(n) AS n
