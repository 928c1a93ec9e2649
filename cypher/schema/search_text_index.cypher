// Text indexes read/search looks candidates up in: the key and the joined other names (the name
// has its own, name_text_index). A TEXT index answers CONTAINS without a scan of the label.
// params:
// returns:
// template: label=Firm|Person
CREATE TEXT INDEX {{label}}_key_text IF NOT EXISTS FOR (n:{{label}}) ON (n.{{label_key}})
