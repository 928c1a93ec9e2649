// Uniqueness of each label's key property: MERGE looks nodes up through this index.
// params:
// returns:
// template: label=Firm|Person|Address|Phone|CreditRecord|Event
CREATE CONSTRAINT {{label}}_key IF NOT EXISTS FOR (n:{{label}}) REQUIRE n.{{label_key}} IS UNIQUE
