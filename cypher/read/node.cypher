// The properties of one node found by its key.
// params: key
// returns: props
// template: label=Firm|Person|Address|Phone|CreditRecord|Event
MATCH (n:{{label}} {{{label_key}}: $key})
RETURN properties(n) AS props
