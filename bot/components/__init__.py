"""Custom Rasa 3 graph components, named in config.yml by their module path."""
