// Delete every node and relationship of the database in batches (schema is kept).
// Runs only in an auto-commit transaction (CALL ... IN TRANSACTIONS).
// params:
// returns:
MATCH (n)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS
