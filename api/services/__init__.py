"""What routes call: turning store rows into response models. No HTTP here, no Cypher anywhere."""
