// Every relationship of a type between two labels with its properties, for GraphTables.
// params:
// returns: src, dst, props
// template: src=Firm|Person|Event; rel=LEGAL_REP|OPERATOR|SHAREHOLDER|EXECUTIVE|SUPERVISOR|REGISTERED_AT|HAS_PHONE|SUBJECT_OF|MENTIONS; dst=Firm|Person|Address|Phone|CreditRecord
MATCH (a:{{src}})-[r:{{rel}}]->(b:{{dst}})
RETURN a.{{src_key}} AS src, b.{{dst_key}} AS dst, properties(r) AS props
