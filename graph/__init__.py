"""The graph: its closed model, the Neo4j store, the in-process networkx store, graph features
and export of plain node/edge tables. The only package that talks to a database."""
