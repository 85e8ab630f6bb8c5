"""The website widget in a real browser (Debian's chromium, headless) on the demo clinic page,
answering through real Rasa and action servers. Screenshots go to reports/widget/."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Locator, expect

from bot.content import content
from bot.settings import settings
from tests.widget.conftest import Chat, screenshot

pytestmark = pytest.mark.e2e

QUESTIONS = [
    ("are these white spots cancer?", "are_they_cancer"),
    ("should I stop my calcium pills?", "dietary_calcium"),
    ("do I need a biopsy?", "biopsy_when"),
]
HTML = "<img src=x onerror=alert(1)><b>bold</b>"

# Text colour and background of every kind of text in the widget, as the browser drew them.
CONTRAST_JS = """
() => {
  const rgb = value => (value.match(/[\\d.]+/g) || []).map(Number);
  const background = node => {
    for (; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const selectors = [".cc-launcher", ".cc-title", ".cc-close", ".cc-disclaimer",
    ".cc-bot .cc-text", ".cc-user .cc-text", ".cc-source", ".cc-reply", ".cc-input",
    ".cc-send", ".cc-feedback-button[aria-pressed='false']",
    ".cc-feedback-button[aria-pressed='true']", ".cc-feedback-status"];
  return selectors.flatMap(selector => [...document.querySelectorAll(selector)]
    .filter(node => node.getClientRects().length)
    .slice(0, 1)
    .map(node => ({selector, text: rgb(getComputedStyle(node).color).slice(0, 3),
                   background: background(node)})));
}
"""


def contrast(first: list[float], second: list[float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""

    def luminance(colour: list[float]) -> float:
        channels = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_no_low_contrast(drawn: list[dict]) -> None:
    too_low = {
        item["selector"]: round(contrast(item["text"], item["background"]), 2)
        for item in drawn
        if contrast(item["text"], item["background"]) < 4.5
    }
    assert not too_low


def assert_medical_answer(message: dict, topic_id: str) -> None:
    """The topic's vetted answer with the provider line, a source link and follow-up buttons."""
    topic = content().topics[topic_id]
    assert message["topic"] == topic_id
    assert topic.answer in message["text"]
    assert content().provider_line in message["text"]
    assert topic.source.citation not in message["text"]  # shown as the link instead
    assert message["link"]["text"] == topic.source.short_citation
    assert message["link"]["href"] == topic.source.url
    assert (message["link"]["target"], message["link"]["rel"]) == ("_blank", "noopener noreferrer")
    assert message["buttons"] == [content().topics[t].question for t in topic.related]


def test_keyboard_user_asks_three_questions_then_follows_a_button(chat: Chat) -> None:
    chat.load()
    assert chat.page.get_by_role("dialog").is_hidden()
    chat.open_with_keyboard()
    assert chat.focused()["tag"] == "INPUT"

    disclaimer = content().behaviour_text("disclaimer").format(**settings().as_placeholders())
    assert chat.page.locator(".cc-disclaimer").text_content() == disclaimer
    assert chat.page.locator(".cc-disclaimer").is_visible()
    [greeting] = chat.bot_messages()
    assert greeting["topic"] == "greeting"
    in_view = chat.page.evaluate(
        """() => document.querySelector('.cc-disclaimer').getBoundingClientRect().top
                 >= document.querySelector('.cc-body').getBoundingClientRect().top"""
    )
    assert in_view, "the greeting scrolled the disclaimer out of view"
    screenshot(chat.page, "opened")

    # The typing indicator shows while the assistant works, and is gone once it answered.
    chat.page.evaluate(
        """() => { window.typingSeen = [];
          new MutationObserver(() => window.typingSeen.push(
              !document.querySelector('.cc-typing').hidden))
            .observe(document.querySelector('.cc-typing'), {attributes: true}); }"""
    )
    for question, topic_id in QUESTIONS:
        assert_medical_answer(chat.ask(question), topic_id)
    assert True in chat.page.evaluate("() => window.typingSeen")
    assert chat.page.locator(".cc-typing").is_hidden()
    assert chat.focused()["tag"] == "INPUT"

    related = content().topics[QUESTIONS[-1][1]].related[0]
    answer = chat.click_reply(content().topics[related].question)
    assert_medical_answer(answer, related)
    user_texts = chat.log.locator(".cc-user .cc-text").all_text_contents()
    assert user_texts[-1].strip().endswith(content().topics[related].question)
    assert chat.focused()["tag"] == "INPUT"
    screenshot(chat.page, "conversation")

    # Every request went to this machine's servers: nothing from a CDN.
    hosts = {urlsplit(url).netloc for url in chat.requests}
    assert hosts <= {urlsplit(chat.site.url).netloc, urlsplit(chat.site.stack.url).netloc}

    chat.page.keyboard.press("Escape")
    assert chat.page.get_by_role("dialog").is_hidden()
    assert chat.focused()["cls"] == "cc-launcher"


def test_new_messages_arrive_in_a_live_region_with_labelled_controls(chat: Chat) -> None:
    chat.load()
    chat.open()
    chat.ask(QUESTIONS[0][0])
    log = chat.page.locator(".cc-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert chat.log.locator(".cc-bot[data-topic='are_they_cancer']").count() == 1
    dialog = chat.page.get_by_role("dialog")
    assert dialog.get_attribute("aria-labelledby") == "cc-title"
    for name in ("Close chat", "Send"):
        assert chat.page.get_by_role("button", name=name, exact=True).is_visible()
    assert chat.input.is_visible()
    assert chat.log.get_by_role("group", name="Suggested questions").count() >= 1


def test_text_meets_wcag_aa_contrast(chat: Chat) -> None:
    chat.load()
    launcher = chat.page.evaluate(CONTRAST_JS)
    chat.open()
    chat.ask(QUESTIONS[0][0])
    drawn = launcher + chat.page.evaluate(CONTRAST_JS)
    assert {item["selector"] for item in drawn} >= {
        ".cc-launcher", ".cc-title", ".cc-disclaimer", ".cc-bot .cc-text", ".cc-user .cc-text",
        ".cc-source", ".cc-reply", ".cc-send", ".cc-feedback-button[aria-pressed='false']",
    }
    assert_no_low_contrast(drawn)


def test_history_and_session_survive_a_reload(chat: Chat) -> None:
    chat.load()
    chat.open()
    assert chat.ask("what are microcalcifications?")["topic"] == "microcalcifications"
    before = chat.bot_messages()
    session = chat.page.evaluate("() => localStorage.getItem('clinic-chat:session')")
    assert session

    chat.page.reload()
    chat.page.get_by_role("dialog").wait_for()  # it was open, so it opens again
    assert chat.wait_for_bot_messages(len(before)) == before
    assert chat.page.evaluate("() => localStorage.getItem('clinic-chat:session')") == session
    # The server kept the conversation too: a follow-up is read in its context.
    assert chat.ask("and the big ones?")["topic"] == "macrocalcifications"
    screenshot(chat.page, "after-reload")


def test_html_typed_by_the_patient_is_shown_as_text(chat: Chat) -> None:
    chat.load()
    chat.open()
    chat.ask(HTML)
    assert chat.log.locator(".cc-user .cc-text").last.text_content().strip().endswith(HTML)
    assert chat.page.locator(".cc-root img, .cc-root b").count() == 0
    assert chat.dialogs == []
    screenshot(chat.page, "html-as-text")


def test_works_at_360_px_without_horizontal_scrolling(chat: Chat) -> None:
    chat.page.set_viewport_size({"width": 360, "height": 740})
    chat.load()
    chat.open()
    assert_medical_answer(chat.ask(QUESTIONS[0][0]), QUESTIONS[0][1])
    sizes = chat.page.evaluate(
        """() => ({page: document.documentElement.scrollWidth, view: window.innerWidth,
                   panel: document.querySelector('.cc-panel').getBoundingClientRect().toJSON(),
                   body: [document.querySelector('.cc-body').scrollWidth,
                          document.querySelector('.cc-body').clientWidth]})"""
    )
    assert sizes["page"] <= sizes["view"] == 360
    assert sizes["panel"]["left"] >= 0 and sizes["panel"]["right"] <= 360
    assert sizes["body"][0] <= sizes["body"][1]
    screenshot(chat.page, "phone-360px")


def test_reconnects_after_the_server_restarts_and_delivers_what_was_typed(chat: Chat) -> None:
    chat.load()
    chat.open()
    assert chat.ask("what are microcalcifications?")["topic"] == "microcalcifications"
    answered = len(chat.bot_messages())

    chat.site.stop_rasa()
    status = chat.page.locator(".cc-status")
    status.wait_for(state="visible")
    chat.input.fill("and the big ones?")
    chat.input.press("Enter")
    screenshot(chat.page, "server-down")

    chat.site.start_rasa()
    [answer] = chat.wait_for_bot_messages(answered + 1)[answered:]
    assert answer["topic"] == "macrocalcifications"  # same session, read in its context
    status.wait_for(state="hidden")
    stored = json.loads(chat.page.evaluate("() => localStorage.getItem('clinic-chat:history')"))
    assert [entry["topic"] for entry in stored if entry["from"] == "bot"][-1] == answer["topic"]


def test_on_a_spanish_page_the_widget_and_the_assistant_speak_spanish(chat: Chat) -> None:
    # The clinic's Spanish page: the demo page with <html lang="es">, nothing set for the widget.
    chat.page.goto(chat.site.url + "/es/")
    chat.page.get_by_role("button", name="Chatee con nosotros").click()
    chat.page.get_by_role("dialog").wait_for()
    assert chat.page.locator(".cc-root").get_attribute("lang") == "es"
    disclaimer = content("es").behaviour_text("disclaimer").format(
        **settings().as_placeholders("es"))
    assert chat.page.locator(".cc-disclaimer").text_content() == disclaimer

    # A new conversation's greeting cannot tell its language: the page's is used.
    [greeting] = chat.wait_for_bot_messages(1)
    assert greeting["topic"] == "greeting"
    assert content("es").behaviour_text("greeting").format(
        **settings().as_placeholders("es")) in greeting["text"]

    question = chat.page.get_by_role("textbox", name="Su pregunta")
    question.fill("¿Las calcificaciones son cáncer?")
    question.press("Enter")
    answer = chat.wait_for_bot_messages(2)[1]
    topic = content("es").topics["are_they_cancer"]
    assert answer["topic"] == "are_they_cancer"
    assert topic.answer in answer["text"]
    assert content("es").provider_line in answer["text"]
    assert answer["link"]["href"] == topic.source.url
    assert answer["buttons"] == [content("es").topics[t].question for t in topic.related]
    assert chat.page.get_by_role("button", name="Enviar").is_visible()
    # Its vote buttons speak Spanish too; a vote with the mouse.
    spanish = chat.log.locator(".cc-bot[data-topic='are_they_cancer']")
    _, useful, not_useful = vote_buttons(spanish, "es")
    not_useful.click()
    expect(spanish.get_by_role("status")).to_have_text(FEEDBACK["es"][3])
    expect(not_useful).to_have_attribute("aria-pressed", "true")
    expect(useful).to_be_disabled()
    screenshot(chat.page, "spanish")

    # She switches to English: the labels follow the conversation.
    question.fill("What are calcifications?")
    question.press("Enter")
    assert chat.wait_for_bot_messages(3)[2]["topic"] == "what_are_calcifications"
    assert chat.page.get_by_role("textbox", name="Your question").is_visible()
    assert chat.page.locator(".cc-root").get_attribute("lang") == "en"
    # Each answer's buttons are in the answer's language.
    english = chat.log.locator(".cc-bot[data-topic='what_are_calcifications']")
    expect(vote_buttons(english)[1]).to_be_enabled()
    expect(vote_buttons(spanish, "es")[2]).to_have_attribute("aria-pressed", "true")


# --- "Helpful" / "Not helpful" under medical answers (bot/channels/feedback.py) ---

FEEDBACK = {
    "en": ("Was this answer helpful?", "Helpful", "Not helpful", "Thanks for your feedback."),
    "es": ("¿Le sirvió esta respuesta?", "Útil", "No es útil", "Gracias por su opinión."),
}


def vote_buttons(answer: Locator, language: str = "en") -> tuple[Locator, Locator, Locator]:
    """The answer's group of vote buttons, found by the names a screen reader hears."""
    question, helpful, not_helpful, _ = FEEDBACK[language]
    group = answer.get_by_role("group", name=question, exact=True)
    return (group, group.get_by_role("button", name=helpful, exact=True),
            group.get_by_role("button", name=not_helpful, exact=True))


def stored_history(chat: Chat) -> list[dict]:
    return json.loads(chat.page.evaluate("() => localStorage.getItem('clinic-chat:history')"))


def rest_vote(chat: Chat, session: str, answer_id: str, value: str = "helpful") -> int:
    """The same vote through the REST channel of the test's Rasa; its HTTP status."""
    assert chat.site.stack is not None
    answer = requests.post(f"{chat.site.stack.url}/webhooks/rest/feedback", timeout=10,
                           json={"sender": session, "answer_id": answer_id, "value": value})
    return answer.status_code


def test_a_medical_answer_takes_one_vote_kept_by_the_server_and_across_a_reload(
    chat: Chat,
) -> None:
    chat.load()
    chat.open()
    assert chat.log.locator(".cc-bot[data-topic='greeting'] .cc-feedback").count() == 0
    chat.ask(QUESTIONS[0][0])
    answer = chat.log.locator(f".cc-bot[data-topic='{QUESTIONS[0][1]}']")
    group, helpful, not_helpful = vote_buttons(answer)
    for button in (helpful, not_helpful):
        expect(button).to_be_enabled()
        expect(button).to_have_attribute("aria-pressed", "false")
    assert helpful.evaluate("node => node.tagName") == "BUTTON"

    # With the keyboard: Enter on the focused button. The vote starts no turn.
    answered = len(chat.bot_messages())
    helpful.focus()
    chat.page.keyboard.press("Enter")
    status = answer.get_by_role("status")
    expect(status).to_have_text(FEEDBACK["en"][3])
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(not_helpful).to_have_attribute("aria-pressed", "false")
    expect(helpful).to_be_disabled()
    expect(not_helpful).to_be_disabled()
    assert chat.focused()["tag"] == "INPUT"  # the disabled button gave the focus back
    screenshot(chat.page, "feedback")
    assert_no_low_contrast(chat.page.evaluate(CONTRAST_JS))
    chat.page.wait_for_timeout(1500)
    assert len(chat.bot_messages()) == answered
    assert chat.page.locator(".cc-typing").is_hidden()

    # The next message gets its own answer (nothing else came in between), and a fallback has
    # no vote buttons; neither had the greeting.
    assert chat.ask("😀😱🙏")["topic"] == "fallback"
    assert chat.log.locator(".cc-feedback").count() == 1

    # The server kept the vote: the same vote through the REST channel is refused as a second.
    session = chat.page.evaluate("() => localStorage.getItem('clinic-chat:session')")
    [entry] = [item for item in stored_history(chat) if item.get("answerId")]
    assert (entry["topic"], entry["vote"]) == (QUESTIONS[0][1], "helpful")
    assert rest_vote(chat, session, entry["answerId"]) == 409
    assert rest_vote(chat, session, entry["answerId"], "not_helpful") == 409
    assert rest_vote(chat, session, "0" * 32) == 404  # the endpoint tells the two apart

    # After a reload the vote shows as given, not votable again.
    chat.page.reload()
    chat.page.get_by_role("dialog").wait_for()
    chat.wait_for_bot_messages(answered + 1)
    group, helpful, not_helpful = vote_buttons(answer)
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_be_disabled()
    expect(not_helpful).to_be_disabled()
    expect(answer.get_by_role("status")).to_have_text(FEEDBACK["en"][3])


def test_a_refused_vote_shows_as_given_when_already_kept_and_otherwise_can_be_tried_again(
    chat: Chat,
) -> None:
    chat.load()
    chat.open()
    chat.ask(QUESTIONS[1][0])
    answer = chat.log.locator(f".cc-bot[data-topic='{QUESTIONS[1][1]}']")
    _, helpful, not_helpful = vote_buttons(answer)
    not_helpful.click()
    expect(answer.get_by_role("status")).to_have_text(FEEDBACK["en"][3])

    # A page that forgot the vote it gave (say, another tab's history) and an answer the
    # server does not know: after a reload both are votable.
    history = stored_history(chat)
    [entry] = [item for item in history if item.get("answerId")]
    entry["vote"] = ""
    history.append({**entry, "answerId": "0" * 32, "topic": "causes"})
    chat.page.evaluate("h => localStorage.setItem('clinic-chat:history', JSON.stringify(h))",
                       history)
    chat.page.reload()
    chat.page.get_by_role("dialog").wait_for()
    chat.wait_for_bot_messages(len([item for item in history if item["from"] == "bot"]))
    chat.page.locator(".cc-status").wait_for(state="hidden")  # connected again

    # The server's "already has a vote": shown as given, with the thanks.
    helpful.click()
    expect(answer.get_by_role("status")).to_have_text(FEEDBACK["en"][3])
    expect(helpful).to_be_disabled()
    expect(not_helpful).to_be_disabled()

    # Any other refusal: the reason, politely, and both buttons usable again.
    unknown = chat.log.locator(".cc-bot[data-topic='causes']")
    _, helpful, not_helpful = vote_buttons(unknown)
    helpful.click()
    status = unknown.get_by_role("status")
    expect(status).to_contain_text("Your feedback could not be sent:")
    expect(status).to_contain_text("No such answer")
    for button in (helpful, not_helpful):
        expect(button).to_be_enabled()
        expect(button).to_have_attribute("aria-pressed", "false")
    assert not [item for item in stored_history(chat) if item.get("answerId") == "0" * 32
                and item["vote"]]
