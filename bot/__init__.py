"""The breast-calcification FAQ assistant's own code: content, settings, language work."""
