// Number of relationships of a type (answered from the count store).
// params:
// returns: n
// template: rel=LEGAL_REP|OPERATOR|SHAREHOLDER|EXECUTIVE|SUPERVISOR|REGISTERED_AT|HAS_PHONE|SUBJECT_OF|MENTIONS
MATCH ()-[r:{{rel}}]->()
RETURN count(r) AS n
