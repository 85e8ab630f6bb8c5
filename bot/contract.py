"""Names both processes share: what the NLU adds to a message and the actions read from it.

Imports nothing from Rasa or spaCy, so the action server can use it without loading either.
"""

from __future__ import annotations

# Parse-data keys set by the NLU components (bot/components/), read by the actions.
EMERGENCY_KEY = "emergency"  # kind of a certain emergency: the turn is the emergency reply
SAFETY_CONCERN_KEY = "safety_concern"  # kind of an uncertain one: answer plus a safety line
INPUT_ISSUE_KEY = "input_issue"
OPTION_KEY = "option"
TOPICS_KEY = "topics"  # the general questions of a message, in order
FACT_TOPIC_KEY = "fact_topic"  # the general fact that fits a personal question
LANGUAGE_KEY = "language"  # the message's language, when the NLU can tell it

# Behaviour ids of the topic contract (medical topic ids come from bot/content/answers.yml).
GREETING, GOODBYE, THANKS, BOT_CHALLENGE, HANDOFF = (
    "greeting", "goodbye", "thanks", "bot_challenge", "handoff")
EMERGENCY, OUT_OF_SCOPE, PERSONAL_DIAGNOSIS = "emergency", "out_of_scope", "personal_diagnosis"
NOT_COVERED, AFTERCARE, FALLBACK = "not_covered", "aftercare", "fallback"
BEHAVIOURS = (GREETING, GOODBYE, THANKS, BOT_CHALLENGE, HANDOFF, EMERGENCY, OUT_OF_SCOPE,
              PERSONAL_DIAGNOSIS, NOT_COVERED, AFTERCARE, FALLBACK)
# Behaviours whose replies decline, redirect or fall back: they carry the provider line. The
# emergency reply does not: it sends the patient to emergency care, not to a later talk.
PROVIDER_BEHAVIOURS = frozenset({OUT_OF_SCOPE, PERSONAL_DIAGNOSIS, NOT_COVERED, AFTERCARE,
                                 FALLBACK})
# The key of a reply's `custom` metadata that names its topic or behaviour.
TOPIC_FIELD = "topic"
# The key of a medical answer's `custom` that a patient's vote on it names.
ANSWER_ID_FIELD = "answer_id"
# A vote's values, and the slot whose events record votes (it never influences the dialogue).
HELPFUL, NOT_HELPFUL = "helpful", "not_helpful"
VOTES = (HELPFUL, NOT_HELPFUL)
FEEDBACK_SLOT = "feedback"

# Slots (domain.yml) the actions keep between turns.
LAST_TOPIC_SLOT = "last_topic"
OFFERED_TOPICS_SLOT = "offered_topics"
# The last language the NLU could tell, and the last page language the widget named.
TOLD_LANGUAGE_SLOT = "told_language"
PAGE_LANGUAGE_SLOT = "page_language"

# Emergency kinds with replies of their own; every other kind gets the general one.
SELF_HARM = "self_harm"
OVERDOSE = "overdose"
# Concerns only the classifier raised: they add a line under the answer, and never replace it.
UNSPECIFIED = "unspecified"
SUSPECTED_SELF_HARM = "suspected_self_harm"
# The concerns that get the crisis line rather than the emergency number alone.
CRISIS_CONCERNS = frozenset({SELF_HARM, SUSPECTED_SELF_HARM})

# Languages the assistant's texts are written in; English is the one every edition follows.
ENGLISH, SPANISH = "en", "es"
