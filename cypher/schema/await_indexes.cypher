// Wait until every index is online (after constraints are created), at most the given seconds.
// params: seconds
// returns:
CALL db.awaitIndexes($seconds)
