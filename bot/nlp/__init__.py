"""Language work done with spaCy: the pipeline, the emergency rules and input screening."""
