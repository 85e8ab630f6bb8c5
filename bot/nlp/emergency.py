"""Finds emergencies and crisis language: symptom and intent words, read in their context.

A word list alone raises false alarms ("I'm dying to know", "my sister had a heart attack last
spring") and a classifier alone misses what matters. So, as clinical NLP does, every target
found by the rules of emergency.yml is read with medspaCy's ConText and the patient-language
rules of context.yml: denied, past, figurative targets are dropped; hypothetical ones make the
finding uncertain; what is left is certain. Self-harm is never dropped for being denied or
hypothetical ("if it's cancer I'll end it"): it stays, uncertain at worst, so the crisis line
is always given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from medspacy.context import ConText, ConTextRule
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from bot.contract import OVERDOSE, SELF_HARM, SUSPECTED_SELF_HARM

EMERGENCY_FILE = Path(__file__).with_name("emergency.yml")
CONTEXT_FILE = Path(__file__).with_name("context.yml")
SPAN_GROUP = "emergency_targets"
# Token attribute that marks a target's words while ConText reads them: a rule that must not
# start on a target (context.yml's ", i kept") says {_: {emergency_target: false}}.
TARGET_TOKEN = "emergency_target"
# Label suffix of a target that is a sign rather than a statement.
WEAK = "~weak"
# Label infix of a target that counts only with the kind's other groups ("infection#0").
GROUP = "#"

NEGATED = "NEGATED_EXISTENCE"
HISTORICAL = "HISTORICAL"
FIGURATIVE = "FIGURATIVE"
HYPOTHETICAL = "HYPOTHETICAL"
# The `acute` rule of context.yml that is only the word "now" (or "today", "tonight").
PLAIN_NOW = "now"
# The `acute` rule of someone who is with her ("my grandmother is here with me").
WITH_HER = "here with me"
HABITUAL = "HABITUAL"
EARLIER = "EARLIER"
OTHER_PERSON = "OTHER_PERSON"
MILD = "MILD"
# A joke taken back ("not a joke btw", "no es chiste del todo"): crisis words are meant.
EARNEST = "EARNEST"
# A question about how often it happens to people ("how common are suicidal thoughts?").
IN_GENERAL = "IN_GENERAL"
# Read or heard about (a forum post, the news): not with her, whatever its words say of now.
REPORTED = "REPORTED"
# "Is it normal that my lips are swelling?": hers, certain when the sentence says it is now.
NORMAL_QUESTION = "NORMAL_QUESTION"
# A crisis told as a past wish ("I wanted to die back then", "she wished to end it"): history
# unless the sentence says now.
PAST_WISHES = frozenset({"wanted", "wished"})
# Together, contexts in which crisis words speak of people in general.
GENERAL = frozenset({OTHER_PERSON, HABITUAL, HYPOTHETICAL})
# Contexts in which something is possible but not plainly happening to her now.
UNSETTLED = frozenset({HYPOTHETICAL, HABITUAL, EARLIER, OTHER_PERSON, MILD, IN_GENERAL, REPORTED,
                       NORMAL_QUESTION})
# Contexts that leave a statement only possible, whatever else is said.
POSSIBLE = frozenset({HYPOTHETICAL, MILD, IN_GENERAL, REPORTED})
# Kinds asked about as "is it normal that ...?" only while they are happening to her (kinds of
# emergency.yml and emergency.es.yml, a test checks it).
AIRWAY = frozenset({"breathing", "allergic_reaction"})
# The question in its own words, "is it normal that" or "¿es normal que" (the rule named
# NORMAL_QUESTION itself, not NORMAL_QUESTION_TO and the like): asked of herself.
NORMAL_THAT = "NORMAL_THAT"
# Contexts of a question that a sentence saying "it is happening to me now" answers.
ASKED = frozenset({HYPOTHETICAL, NORMAL_QUESTION, IN_GENERAL})


@dataclass(frozen=True)
class Finding:
    """An emergency kind, and whether the evidence is certain (acute, now) or only possible.
    `sign` marks a possible one that rests on a physical sign alone ("my dressing is soaked"):
    the classifier may confirm it (bot/components/safety_decision.py). `stated` names the kind of
    an uncertain statement beside such a sign ("could it be an allergic reaction?"), whose safety
    line stands when the classifier does not confirm the sign."""

    kind: str
    certain: bool
    sign: bool = False
    stated: str | None = None


@dataclass(frozen=True)
class RuleReading:
    """All the rules read in one text: its most serious emergency, whether it holds any alarm
    word they know (`has_targets`), and whether every alarm word it holds sits in a figure of
    speech (`figures_only`: the learned model may not decide alone on it)."""

    finding: Finding | None
    has_targets: bool
    figures_only: bool


def load_context_rules(path: Path = CONTEXT_FILE) -> list[ConTextRule]:
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
    return [
        ConTextRule(
            literal=rule["literal"],
            category=rule["category"],
            pattern=rule.get("pattern"),
            direction=rule["direction"],
            max_scope=rule.get("max_scope"),
            allowed_types=set(rule["allowed_types"]) if rule.get("allowed_types") else None,
            excluded_types=set(rule["excluded_types"]) if rule.get("excluded_types") else None,
        )
        for rule in rules
    ]


def judge(kind: str, categories: set[str], acute: bool, weak: bool = False) -> bool | None:
    """True (certain), False (uncertain) or None (not an emergency) for one target."""
    # Laughter beside crisis words is mostly a figure ("me quiero morir con esta cola jaja"),
    # unless the joke is taken back ("not a joke btw"): then the crisis words are meant.
    if FIGURATIVE in categories and not (kind == SELF_HARM and EARNEST in categories):
        return None
    if kind == SELF_HARM:
        # Over, or said of people in general (two of someone else, usually and if: "do women
        # often feel suicidal after a scare?"): the crisis line under the answer, not the reply.
        if _spoken_of(categories):
            return False
        return acute or not weak
    if categories & {NEGATED, HISTORICAL}:
        return None
    if weak:
        # A physical sign counts only when plainly stated: not "if" or "a little", and not
        # "at night", "after her biopsy" or "yesterday" unless it is happening now.
        if categories & POSSIBLE or (categories & UNSETTLED and not acute):
            return None
        return False
    if categories & POSSIBLE:
        return False
    # An airway closing or breath gone is never "normal": asked so of herself ("¿es normal que
    # se me cierre la garganta?"), it is hers and now. Not "is it normal to be short of breath
    # after a biopsy?", asked ahead.
    if kind in AIRWAY and categories == {NORMAL_QUESTION, NORMAL_THAT}:
        return True
    return acute or not categories & {HABITUAL, EARLIER, OTHER_PERSON, NORMAL_QUESTION}


def _spoken_of(categories: set[str]) -> bool:
    """Crisis words that are denied, over, or said of people in general."""
    return (bool(categories & {NEGATED, HISTORICAL, IN_GENERAL, REPORTED})
            or len(categories & GENERAL) >= 2)


def _category(name: str) -> str:
    """EARLIER_EVENT, HYPOTHETICAL_CAUSE, REPORTED_IN_CARE, MILD_MUSCLE, HABITUAL_DAILY,
    NORMAL_QUESTION_BAD, NEGATED_EXISTENCE_NOT_THAT and the like are their category to the
    judge: their own names keep medspaCy from cutting a rule's scope at the next rule of its
    category."""
    return next((base for base in (HISTORICAL, EARLIER, HYPOTHETICAL, REPORTED, MILD, HABITUAL,
                                   NORMAL_QUESTION, NEGATED)
                 if name.startswith(base)), name)


def _inside(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _holds_other_part(outer: Span, inner: Span) -> bool:
    """True when `inner` lies in `outer` and both are parts of different groups of one kind."""
    groups = (outer.label_, inner.label_)
    return (all(GROUP in group for group in groups) and groups[0] != groups[1]
            and len({group.split(GROUP)[0] for group in groups}) == 1
            and _inside(inner, outer))


def _overlap(span: Span, bounds: tuple[int, int]) -> bool:
    return bounds[0] < span.end and span.start < bounds[1]


def _closed(doc: Doc) -> Doc:
    """The doc with a full stop after its last word, in its last sentence. Rules that need a mark
    after a phrase, so that it is not the start of a longer one ("took them all." but not "took
    them all with food", "me mato." but not "me mato trabajando"), then also match a message that
    ends on the phrase; spaCy's Matcher has no pattern for the end of a doc."""
    if not len(doc) or doc[-1].is_punct or not doc.has_annotation("SENT_START"):
        return doc
    return Doc.from_docs([doc, Doc(doc.vocab, words=["."], spaces=[False], sent_starts=[False])],
                         ensure_whitespace=False)


def _keyed(pattern: list[dict[str, Any]], key: Callable[[str], str]) -> list[dict[str, Any]]:
    """A token pattern on LOWER rewritten for NORM holding `key` of each word (REGEX stays on
    LOWER)."""
    rewritten = []
    for token in pattern:
        token = dict(token)
        lower = token.get("LOWER")
        if isinstance(lower, str):
            token["NORM"] = key(token.pop("LOWER"))
        elif isinstance(lower, dict) and "REGEX" not in lower:
            token["NORM"] = {op: [key(word) for word in words]
                             for op, words in token.pop("LOWER").items()}
        rewritten.append(token)
    return rewritten


class EmergencyDetector:
    """Rules of emergency.yml for the targets, ConText for their meaning; self-harm wins.

    With a spelling `key` (bot/nlp/spelling.py), targets and the signs of now, of an end and of
    an idiom match on the tokens' NORM, which the pipeline sets to that key, so that a word spelt
    by ear matches its listed spelling; the ConText rules stay on LOWER."""

    def __init__(self, nlp: Language, path: Path = EMERGENCY_FILE,
                 context_path: Path = CONTEXT_FILE,
                 key: Callable[[str], str] | None = None) -> None:
        kinds: dict[str, dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["kinds"]
        self._kinds = list(kinds)
        self._phrases = PhraseMatcher(nlp.vocab, attr="NORM" if key else "LOWER")
        self._patterns = Matcher(nlp.vocab)
        self._together: dict[str, list[str]] = {}
        self._told_before = {kind: frozenset(rules.get("told_before", []))
                             for kind, rules in kinds.items()}

        def phrase_docs(phrases: list[str]) -> list[Doc]:
            docs = [nlp.make_doc(phrase) for phrase in phrases]
            if key:
                for token in (token for doc in docs for token in doc):
                    token.norm_ = key(token.lower_)
            return docs

        def token_patterns(patterns: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
            return [_keyed(pattern, key) for pattern in patterns] if key else patterns

        for kind, rules in kinds.items():
            if rules.get("phrases"):
                self._phrases.add(kind, phrase_docs(rules["phrases"]))
            if rules.get("patterns"):
                self._patterns.add(kind, token_patterns(rules["patterns"]))
            weak = rules.get("weak") or {}
            if weak.get("phrases"):
                self._phrases.add(kind + WEAK, phrase_docs(weak["phrases"]))
            if weak.get("patterns"):
                self._patterns.add(kind + WEAK, token_patterns(weak["patterns"]))
            for index, group in enumerate(rules.get("together", [])):
                key_name = f"{kind}{GROUP}{index}"
                # A group lists phrases, and token patterns where a phrase is not enough.
                phrases = [entry for entry in group if isinstance(entry, str)]
                patterns = [entry for entry in group if isinstance(entry, list)]
                if phrases:
                    self._phrases.add(key_name, phrase_docs(phrases))
                if patterns:
                    self._patterns.add(key_name, token_patterns(patterns))
                self._together.setdefault(kind, []).append(key_name)
        if not Token.has_extension(TARGET_TOKEN):
            Token.set_extension(TARGET_TOKEN, default=False)
        self._context = ConText(
            nlp,
            name="emergency_context",
            rules=None,
            input_span_type="group",
            span_group_name=SPAN_GROUP,
            prune_on_target_overlap=True,
        )
        self._context.add(load_context_rules(context_path))
        context = yaml.safe_load(context_path.read_text(encoding="utf-8"))
        self._acute = Matcher(nlp.vocab)
        for rule in context["acute"]:
            self._acute.add(rule["name"], token_patterns([rule["pattern"]]))
        self._settled = Matcher(nlp.vocab)
        self._settled.add("SETTLED",
                          token_patterns([rule["pattern"] for rule in context["settled"]]))
        self._over = Matcher(nlp.vocab)
        if context.get("over"):
            self._over.add("OVER", token_patterns([rule["pattern"] for rule in context["over"]]))
        # "Is it normal that ...? It's happening to me right now."
        self._mine = Matcher(nlp.vocab)
        if context.get("mine"):
            self._mine.add("MINE", token_patterns([rule["pattern"] for rule in context["mine"]]))
        # A joke taken back in the next sentence ("i want to die lol. not a joke btw"), where
        # ConText's scope, which ends with the sentence, does not reach.
        self._earnest = Matcher(nlp.vocab)
        earnest = [rule["pattern"] for rule in context["rules"]
                   if rule["category"] == EARNEST and rule.get("pattern")]
        if earnest:
            self._earnest.add(EARNEST, earnest)
        self._idioms = Matcher(nlp.vocab)
        # An idiom may name words after which it is none ("... all my pills and be done with it").
        self._not_after: dict[str, frozenset[str]] = {}
        for rule in context["idioms"]:
            self._idioms.add(rule["name"], token_patterns([rule["pattern"]]))
            self._not_after[rule["name"]] = frozenset(rule.get("not_after", []))
        self._last: tuple[Doc, RuleReading] | None = None

    def read(self, doc: Doc) -> RuleReading:
        """The rules' whole reading of the text. The rule layer asks for a message's finding and
        then for its figures of speech: the last doc's reading is kept for the second question."""
        if self._last is None or self._last[0] is not doc:
            closed = _closed(doc)
            targets, idioms = self._targets_and_idioms(closed)
            finding = self._most_serious(self._findings(closed, targets))
            self._last = (doc, RuleReading(finding, bool(targets), bool(idioms) and not targets))
        return self._last[1]

    def targets(self, doc: Doc) -> list[Span]:
        """Every emergency phrase of the text, labelled with its kind, longest first on overlap
        (statements before signs), except those inside a figure of speech of context.yml's
        `idioms`; spans of the text as the rules read it, with its end mark (`_closed`)."""
        return self._targets_and_idioms(_closed(doc))[0]

    def _targets_and_idioms(self, doc: Doc) -> tuple[list[Span], list[tuple[int, int]]]:
        found: list[Span] = []
        parts: dict[str, list[Span]] = {}
        # Group parts matched by a token pattern, which may hold a word of another group.
        patterned: set[tuple[int, int, str]] = set()
        for matcher in (self._phrases, self._patterns):
            for match_id, start, end in matcher(doc):
                key = doc.vocab.strings[match_id]
                span = Span(doc, start, end, label=key)
                if GROUP in key:
                    parts.setdefault(key, []).append(span)
                    if matcher is self._patterns:
                        patterned.add((start, end, key))
                else:
                    found.append(span)
        for keys in self._together.values():
            if all(key in parts for key in keys):
                found.extend(span for key in keys for span in parts[key])
        statements = [span for span in found if not span.label_.endswith(WEAK)]
        strong = filter_spans(statements)
        # A group's part inside a token pattern of another group of the same kind counts for its
        # own group too: in "como 12 pastillas" the count holds the pills. A listed phrase does
        # not lend its words ("very hot" is a fever, not a hot breast).
        holders = [span for span in strong if (span.start, span.end, span.label_) in patterned]
        strong += [span for span in statements if span not in strong
                   and any(_holds_other_part(outer, span) for outer in holders)]
        # A sign inside a statement adds nothing: the statement is read instead. A sign of
        # self-harm that holds a statement's words is kept: pills saved up ("juntando las
        # pastillas") are not only an overdose's pills.
        signs = [span for span in filter_spans([s for s in found if s.label_.endswith(WEAK)])
                 if not any(_inside(span, t) if span.label_ == SELF_HARM + WEAK
                            else _overlap(span, (t.start, t.end)) for t in strong)]
        idioms = [(start, end) for match_id, start, end in self._idioms(doc)
                  if not (start and doc[start - 1].lower_
                          in self._not_after[doc.vocab.strings[match_id]])]
        return [span for span in sorted(strong + signs, key=lambda t: t.start)
                if not any(_overlap(span, idiom) for idiom in idioms)], idioms

    def detect(self, doc: Doc) -> Finding | None:
        """The most serious emergency the text describes, or None."""
        return self.read(doc).finding

    def findings(self, doc: Doc) -> list[Finding]:
        """Every emergency the text describes, each with its certainty."""
        closed = _closed(doc)
        return self._findings(closed, self._targets_and_idioms(closed)[0])

    def _findings(self, doc: Doc, targets: list[Span]) -> list[Finding]:
        if not doc.has_annotation("SENT_START"):
            raise ValueError("the spaCy pipeline needs a sentence splitter (sentencizer)")
        if not targets:
            return []
        # A sign of now inside or before words that say it is over ("it started bleeding again
        # ... now all is ok") does not count: the sentence settles it.
        settled = [(doc[start].sent.start, end) for _, start, end in self._settled(doc)]
        acute = [(doc.vocab.strings[match_id], doc[start].sent.start)
                 for match_id, start, _ in self._acute(doc)
                 if not any(sentence == doc[start].sent.start and start < end
                            for sentence, end in settled)]
        acute_sentences = {sentence for _, sentence in acute}
        # A bare "now" ("and now I'm terrified") is too little to revive a sign told of
        # someone else or of an earlier day.
        firm_sentences = {sentence for name, sentence in acute if name != PLAIN_NOW}
        # Someone said to be with her is no one far away, in whichever sentence it is said ("my
        # grandmother took 8 of her pills by mistake. She is here with me").
        with_her = any(name == WITH_HER for name, _ in acute)
        verdicts: list[Finding] = []
        # Kinds that need several groups together: each group's verdicts (fever and a red breast
        # are an emergency only while neither is denied).
        groups: dict[str, dict[str, list[bool]]] = {}
        # Physical signs plainly stated in a sentence that says it is happening now, per kind.
        signs_now: dict[str, set[str]] = {}
        # Signs of self-harm that are no figure of speech ("my will is in order and my funeral
        # playlist is picked... kidding" has none); denied or over, they still count.
        crisis_signs: set[str] = set()
        # An empty Matcher warns when called (a rules file may have no `over` section).
        # Words of a target are not words that say it is over ("ya se pasó la gasa" is soaked
        # through, "ya se pasó" alone is over).
        over = ([(doc[start].sent.start, start) for _, start, end in self._over(doc)
                 if not any(_overlap(t, (start, end)) for t in targets)]
                if len(self._over) else [])
        # Such words opening a sentence speak of the sentence before too ("... fever. That was
        # twenty years ago.").
        sentences = list(doc.sents)
        before = {sent.start: prior.start
                  for prior, sent in zip(sentences, sentences[1:], strict=False)}
        # "Is it normal that the dressing is soaked? I've changed it twice in half an hour":
        # the sentence after such a question may say it is happening now.
        after = {prior: sent for sent, prior in before.items()}
        # A sentence that says it is happening to her now makes what she asked in it or just
        # before it hers and now ("¿es normal que me duela el pecho así? Me está pasando ahorita").
        mine = ({doc[start].sent.start for _, start, _ in self._mine(doc)}
                if len(self._mine) else set())
        earnest = ({doc[start].sent.start for _, start, _ in self._earnest(doc)}
                   if len(self._earnest) else set())
        for target, categories in self._read_context(doc, targets):
            label = target.label_
            kind, weak = label.split(GROUP)[0].removesuffix(WEAK), label.endswith(WEAK)
            if kind == SELF_HARM and after.get(target.sent.start) in earnest:
                categories |= {EARNEST}
            # Not pills taken: they can harm hours after she feels fine.
            if kind != OVERDOSE and any(
                    (sentence == target.sent.start and target.end <= start)
                    or (start == sentence and before.get(sentence) == target.sent.start)
                    for sentence, start in over):
                categories |= {HISTORICAL}
            # Nor is someone whose pills were taken and who has signs now, in any sentence ("my
            # grandma took eight of her warfarin by mistake. Her gums are bleeding.").
            if with_her or (kind == OVERDOSE and firm_sentences):
                categories -= {OTHER_PERSON}
            # In a story ("I've fainted at two of my appointments. ..."), a faint told as done is
            # one of its events; a message that is only "I fainted" is about now.
            if len(sentences) > 1 and target[0].lower_ in self._told_before[kind]:
                categories |= {EARLIER}
            # A bare "now" does not revive a sign, nor what someone else usually has ("my
            # mother-in-law always gets short of breath when nervous, and now she is nervous").
            # Nor a count of pills she usually takes ("9 pills in the morning, 4 at night, and now
            # my doctor wants to add calcium"): that is her regimen.
            firm = (weak or len(categories & (GENERAL | {EARLIER})) >= 2
                    or (kind == OVERDOSE and HABITUAL in categories))
            now = firm_sentences if firm and kind != SELF_HARM else acute_sentences
            wish = doc[max(target.sent.start, target.start - 2):target.start + 1]
            if (kind == SELF_HARM and any(token.lower_ in PAST_WISHES for token in wish)
                    and target.sent.start not in now):
                categories |= {HISTORICAL}
            answered = target.sent.start in mine or after.get(target.sent.start) in mine
            if answered:
                categories -= ASKED
            is_now = answered or target.sent.start in now or (
                NORMAL_QUESTION in categories and after.get(target.sent.start) in now)
            certain = judge(kind, categories, is_now, weak)
            if certain is None:
                continue
            if weak and kind == SELF_HARM:
                crisis_signs.add(target.text)
            if kind == SELF_HARM and not certain and _spoken_of(categories):
                # Denied, over or said of people in general: the crisis line under the answer
                # (or under "ask another way"), never the crisis reply in its place.
                verdicts.append(Finding(SUSPECTED_SELF_HARM, False))
                continue
            if GROUP in label:
                groups.setdefault(kind, {}).setdefault(label, []).append(certain)
            else:
                verdicts.append(Finding(kind, certain, sign=weak and kind != SELF_HARM))
            if weak and kind != SELF_HARM and (answered or target.sent.start in firm_sentences):
                signs_now.setdefault(kind, set()).add(target.text)
        for kind, judged in groups.items():
            if len(judged) == len(self._together[kind]):
                verdicts.append(Finding(kind, all(any(found) for found in judged.values())))
        # Two signs of self-harm make intent certain. One physical sign waits for the classifier;
        # two of one kind, each plainly stated while something is happening now ("the bra is
        # full", "it keeps coming and coming"), are as certain as a statement.
        if len(crisis_signs) >= 2:
            verdicts.append(Finding(SELF_HARM, True))
        verdicts += [Finding(kind, True) for kind, texts in signs_now.items() if len(texts) >= 2]
        return verdicts

    def _read_context(self, doc: Doc, targets: list[Span]) -> list[tuple[Span, set[str]]]:
        """Each target with the ConText categories that modify it. What ConText leaves on the
        Doc (a span group, spans and the targets' token marks in user_data) is removed again:
        Rasa copies and pickles the Doc of a message, and spaCy cannot pickle a Span."""
        before = set(doc.user_data)
        doc.spans[SPAN_GROUP] = targets
        for token in (token for target in targets for token in target):
            token._.set(TARGET_TOKEN, True)
        try:
            self._context(doc)
            return [(t, {_category(modifier.category) for modifier in t._.modifiers}
                     | {NORMAL_THAT for modifier in t._.modifiers
                        if modifier.category == NORMAL_QUESTION})
                    for t in targets]
        finally:
            del doc.spans[SPAN_GROUP]
            for key in set(doc.user_data) - before:
                del doc.user_data[key]

    def _most_serious(self, verdicts: Iterable[Finding]) -> Finding | None:
        verdicts = list(verdicts)
        if not verdicts:
            return None
        certain = any(verdict.certain for verdict in verdicts)
        if any(verdict.kind == SELF_HARM for verdict in verdicts):
            # The crisis line is never dropped: self-harm at any certainty names the kind.
            self_harm_certain = any(v.certain for v in verdicts if v.kind == SELF_HARM)
            return Finding(SELF_HARM, self_harm_certain or certain)
        if not certain and any(verdict.kind == SUSPECTED_SELF_HARM for verdict in verdicts):
            return Finding(SUSPECTED_SELF_HARM, False)
        verdicts = [verdict for verdict in verdicts if verdict.kind != SUSPECTED_SELF_HARM]
        if not verdicts:
            return None
        if not certain and any(verdict.sign for verdict in verdicts):
            signed = {verdict.kind for verdict in verdicts if verdict.sign}
            stated = {verdict.kind for verdict in verdicts if not verdict.sign}
            return Finding(self._first(signed), False, sign=True,
                           stated=self._first(stated) if stated else None)
        kinds = {verdict.kind for verdict in verdicts if verdict.certain or not certain}
        return Finding(self._first(kinds), certain)

    def _first(self, kinds: set[str]) -> str:
        """The kind listed first in emergency.yml, the most serious."""
        return next(kind for kind in self._kinds if kind in kinds)

