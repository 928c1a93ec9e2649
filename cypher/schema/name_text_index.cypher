// Text index on subject names: search uses CONTAINS on name.
// params:
// returns:
// template: label=Firm|Person
CREATE TEXT INDEX {{label}}_name IF NOT EXISTS FOR (n:{{label}}) ON (n.name)
