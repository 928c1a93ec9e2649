"""Read and validate the data contract; normalise Chinese text, codes, phones and addresses.

Nothing here imports another credgraph package: every later stage reads plain records made here.
"""
