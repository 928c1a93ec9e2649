"""Risk models over the credit graph: snapshots, gradient boosting, a PyG GNN, reasons, registry.

torch and torch_geometric are imported only inside this package (and only by the GNN modules).

OpenMP (LightGBM's and torch's CPU threads) spins at every barrier by default. Beside a busy
neighbour that spinning takes the core the late thread needs: on a 20,000-firm world the risk stage
with 2 threads ran 4.1x slower beside one multi-threaded process, 1.1x with the threads made to
sleep while they wait (bench/results/machine_sharing.md; gnn.config.cpu_threads sizes the threads).
The wait policy is read when the OpenMP runtime loads, so it is set here, before any module of this
package imports torch or lightgbm; a value already in the environment wins.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
