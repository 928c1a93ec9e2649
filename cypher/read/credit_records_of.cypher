// The credit records of a subject, published or resolved, with the link's properties.
// params: key
// returns: record, link
// template: label=Firm|Person
MATCH (:{{label}} {{{label_key}}: $key})-[r:SUBJECT_OF]->(c:CreditRecord)
RETURN properties(c) AS record, properties(r) AS link
