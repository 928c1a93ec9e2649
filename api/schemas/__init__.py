"""Pydantic request and response models: the API's public shapes, separate from store rows."""
