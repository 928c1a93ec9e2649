// Number of nodes of a label (answered from the count store).
// params:
// returns: n
// template: label=Firm|Person|Address|Phone|CreditRecord|Event
MATCH (n:{{label}})
RETURN count(n) AS n
