// Text index on the key, one of three read/search looks candidates up in (the name and the joined
// other names have their own). A TEXT index answers CONTAINS without a scan of the label.
// params:
// returns:
// template: label=Firm|Person
CREATE TEXT INDEX {{label}}_key_text IF NOT EXISTS FOR (n:{{label}}) ON (n.{{label_key}})
