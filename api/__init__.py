"""The edges users touch: the FastAPI app and the `credgraph` CLI, which orchestrate the flow."""
