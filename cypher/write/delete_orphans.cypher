// Delete the given contact nodes that no relationship touches any more (an address or phone a
// changed subject left): a full run never creates a contact node nobody is registered at.
// params: rows (list of {key})
// returns: n (nodes deleted)
// template: label=Address|Phone
UNWIND $rows AS row
MATCH (a:{{label}} {{{label_key}}: row.key})
WHERE NOT (a)--()
DELETE a
RETURN count(*) AS n
