"""Clinic insights: what patients ask, what went unanswered, and whether answers helped."""
