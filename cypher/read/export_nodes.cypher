// Every node of a label with its properties, for GraphTables.
// params:
// returns: key, props
// template: label=Firm|Person|Address|Phone|CreditRecord|Event
MATCH (n:{{label}})
RETURN n.{{label_key}} AS key, properties(n) AS props
