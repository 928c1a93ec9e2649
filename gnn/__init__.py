"""Risk models over the credit graph: snapshots, gradient boosting, a PyG GNN, reasons, registry.

torch and torch_geometric are imported only inside this package (and only by the GNN modules).
"""
