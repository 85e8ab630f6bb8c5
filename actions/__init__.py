"""The action server (rasa-sdk): every reply the assistant sends is built here."""
