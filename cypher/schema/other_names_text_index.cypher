// Text index on a subject's other names joined into one string (other_names_text): a list
// property cannot be TEXT-indexed, and read/search finds other-name matches through this one.
// params:
// returns:
// template: label=Firm|Person
CREATE TEXT INDEX {{label}}_other_names_text IF NOT EXISTS FOR (n:{{label}}) ON (n.other_names_text)
