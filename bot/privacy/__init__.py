"""Patient privacy: identifiers redacted before anything is stored, and old conversations purged."""
