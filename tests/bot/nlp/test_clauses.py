"""Splitting a message into the questions it asks."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.contract import SPANISH
from bot.nlp.clauses import PERSONAL_FILES, PersonalReader, question_clauses, question_sentences
from bot.nlp.pipeline import build_pipeline
from bot.nlp.vocabulary import fold


@pytest.fixture(scope="module")
def clauses(nlp: Language):
    return lambda text: [span.text for span in question_clauses(nlp(text.lower()))]


def test_two_questions_joined_by_and(clauses) -> None:
    assert clauses("what causes them and does my calcium pill matter?") == [
        "what causes them",
        "does my calcium pill matter?",
    ]


def test_statements_are_dropped(clauses) -> None:
    assert clauses("I had a mammogram. Are they cancer?") == ["are they cancer?"]
    assert clauses("My doctor called me back. I am scared.") == []


@pytest.mark.parametrize(
    "text",
    [
        "are they cancer?",
        "what is a stereotactic biopsy",
        "are they cancer and dangerous?",
        "tell me about macrocalcifications",
    ],
)
def test_single_question(clauses, text: str) -> None:
    assert clauses(text) == [text.lower()]


def test_questions_split_at_question_marks(clauses) -> None:
    found = clauses("What are microcalcifications? Do they need a biopsy?")
    assert found == ["what are microcalcifications?", "do they need a biopsy?"]


def test_joiner_then_question_word_splits_without_punctuation(clauses) -> None:
    assert clauses("what are macros and what are micros") == ["what are macros", "what are micros"]
    assert clauses("what are macros also what are micros") == ["what are macros", "what are micros"]


def test_leading_filler_does_not_hide_a_question(clauses) -> None:
    assert clauses("I got my results. so what does benign mean") == ["so what does benign mean"]


def test_one_word_parts_are_not_questions(clauses) -> None:
    assert clauses("why?") == []
    assert clauses("") == []


# --- long messages: which sentences ask, and whether she asks about herself ---------------


@pytest.fixture(scope="module")
def asking(nlp: Language):
    return lambda text: [span.text for span in question_sentences(nlp(text.lower()))]


def test_only_the_sentences_that_ask_are_kept(asking) -> None:
    story = ("I'm 52 and got a letter after my screening. They want more pictures next week. "
             "Why would they need a closer look? My sister says it's nothing.")
    assert asking(story) == ["why would they need a closer look?"]


@pytest.mark.parametrize(
    "text",
    [
        "I wonder if the calcium chews I take every day have anything to do with it.",
        "anyone know whether the big round ones are the harmless kind",
        "Can someone explain what a stereotactic biopsy involves",
    ],
)
def test_indirect_questions_count(asking, text: str) -> None:
    assert asking(text) == [text.lower()]


def test_a_story_without_a_question_asks_nothing(asking) -> None:
    assert asking("Had my mammogram today. The tech was lovely. Waiting for the letter now.") == []


def test_clauses_of_one_sentence_keep_their_place_in_the_message(nlp: Language) -> None:
    doc = nlp("my callback is friday. what causes them and does calcium matter?")
    sentence = question_sentences(doc)[0]
    found = question_clauses(sentence)
    assert [span.text for span in found] == ["what causes them", "does calcium matter?"]
    assert all(span.doc is doc and span.start >= sentence.start for span in found)


@pytest.fixture(scope="module")
def personal(nlp: Language):
    reader = PersonalReader(nlp.vocab)

    def asks(text: str) -> bool:
        doc = nlp(text.lower())
        return reader.asks_about_herself(doc, question_sentences(doc))

    return asks


@pytest.mark.parametrize(
    "text",
    [
        "do I have cancer?",
        "Is mine anything to worry about or can I relax?",
        "My report says grouped calcifications. Is that bad?",
        "my letter says probably benign, what does that mean for me",
        "They found a cluster and want a biopsy. How likely is it that it's cancer?",
        "does this mean im cancer free? the pathology says benign",
        "Should I be worried? They called me back for more views.",
        "are my calcifications cancer",
        "quick one: is my result bad, and should I stop my calcium tablets?",
        # For the woman she writes for, and her own result told as "mine".
        "Her report says suspicious, linear. What does suspicious mean? She have cancer?",
        "My mum is 74 and they found calcifications. Is she likely to have it?",
        "They did the zoomed-in pictures. Is that a bad sign for me?",
        "'indeterminate morphology' is what mine says. is that bad??",
        "Her letter says BI-RADS 4. What's the likelihood she really has cancer?",
        "The report said probably benign, so I'm fine, right?",
        "They found calcifications on both sides. What would you do in my shoes?",
        "My aunt has calcifications by her old scar. Does it mean her cancer is back?",
        "so is it cancer or not",
        # Her opinion asked for, or the doctors' thoughts guessed at.
        "Clustered calcifications at 44. Honestly, would you be worried?",
        "Be straight with me: if this were you, would you go ahead with the biopsy?",
        "Fine pleomorphic, 8 mm. Am I looking at cancer here?",
        "The nurse sounded so careful on the phone. Do they already know it's cancer?",
        "They know it's cancer and they just aren't telling me, right?",
        "Her letter says additional views. So is hers probably nothing?",
        "Mine are punctate. Do calcifications like the ones I have usually turn out fine?",
        "They took more views and said nothing. Honestly, what do they think I have?",
        "My sister's report says innumerable calcifications. Is her situation serious?",
        "The radiologist said probably fibrocystic. Is she hedging because she thinks it's cancer?",
        "Radiation 5 years ago, now new calcs near the scar. Is this a recurrence?",
        "Mine is BI-RADS 3 like my friends'. Can I cancel my follow-up?",
        "Her report says dystrophic calcifications at the old surgery site. Is her cancer back?",
        # Leaving out what her doctor ordered is hers to ask her doctor.
        "The radiologist said it's probably nothing. Can I just skip the biopsy?",
        "BI-RADS 3 they said. Can I skip the 6 month one and wait for my yearly?",
        "Mom is 88 and frail. Can we just say no to the biopsy?",
        "Work is crazy, can I push that follow-up out to next year?",
        "She's still nursing. Can she wait until the baby is weaned?",
        "My doctor wants magnification views. Do I really have to go back?",
        "Probably benign on my report, so I don't need to go back in 6 months?",
        "They told me to stop my calcium pills. Was that because my calcifications look bad?",
        # Her doctor judged, or the assistant's own reading asked for.
        "My GP said 'a few benign specks'. Is he right, or is he being kind?",
        "BI-RADS 3 on mine. Do you agree that I can relax?",
        "Here is my report line: 'fine pleomorphic calcifications'. What's your honest read?",
        "They offered a biopsy or a recheck in 6 months. What would you recommend for me?",
        # For someone else, her odds, and a test she weighs.
        "Dad's mammogram showed calcifications. Should he be worried?",
        "Mom's report says vascular calcifications only. Is she healthy then?",
        "I had calcs twice now. Do I have a higher risk than other women?",
        "What are the odds that my aunt's calcifications are cancer?",
        "New calcs near my old lumpectomy scar. Does this mean it's come back?",
        "My biopsy is the day after my trip starts. Would it hurt to postpone it a month?",
        "They said probably benign. Should I push for a biopsy anyway?",
        "The pathology says benign, concordant. So it was nothing?",
    ],
)
def test_questions_about_her_own_result(personal, text: str) -> None:
    assert personal(text)


@pytest.mark.parametrize(
    "text",
    [
        "what are microcalcifications?",
        "My friend's report said clustered. Why are clustered ones more worrying?",
        "my mom has had calcifications for years. what causes them?",
        "is it true that most calcifications are not cancer?",
        "can you write an email for me",
        "Can somebody explain microcalcifications like I'm five? My mom tried to explain hers.",
        "I wonder whether a biopsy for calcifications means they already think it's cancer.",
        "What is the likelihood that calcifications turn out to be cancer?",
        "I'm not telling her until I know more. What happens in a stereotactic biopsy?",
        "Can I skip breakfast before the mammogram?",
        "do I need a biopsy for calcifications?",
        "Can I wait in the car until they call my name?",
        "Why do they ask women not to wear deodorant to a mammogram?",
        "What would you say causes calcifications, in general?",
    ],
)
def test_general_questions_with_a_story_are_not_personal(personal, text: str) -> None:
    assert not personal(text)


@pytest.fixture(scope="module")
def personal_es():
    nlp = build_pipeline(SPANISH)
    reader = PersonalReader(nlp.vocab, PERSONAL_FILES[SPANISH])

    def asks(text: str) -> bool:
        doc = nlp(fold(text))
        return reader.asks_about_herself(doc, question_sentences(doc))

    return asks


@pytest.mark.parametrize(
    "text",
    [
        "¿Tengo cáncer?",
        "¿Lo mío es benigno? Me dijeron calcificaciones redondas y dispersas.",
        "Me dijeron que hay calcificaciones agrupadas, ¿es grave?",
        "mi informe dice microcalcificaciones, que significa eso",
        "¿Qué significa para mí un BI-RADS 3?",
        "¿mis calcificaciones son malignas?",
        "La doctora dice que es probablemente benigno. ¿Puedo saltarme la biopsia?",
        "Me toca el control de 6 meses, ¿la puedo dejar para el año que viene?",
        "¿De verdad tengo que ir a la biopsia? Me siento bien.",
        "¿puedo no ir al seguimiento?",
        # Her odds, her case, her choice; told she is safe; judged for her.
        "Me pusieron BI-RADS 4. ¿Qué porcentaje tengo de que sea maligno?",
        "A mi tía le salieron calcificaciones. ¿Qué tan probable es en su caso?",
        "Me ofrecieron biopsia o control en 6 meses. ¿Cuál escojo?",
        "¿Me recomienda quitarme las calcificaciones con cirugía?",
        "Ya van dos controles estables. ¿Puedo dejar de hacerme los controles?",
        "Salió BI-RADS 2 esta vez. ¿Ya puedo estar tranquila?",
        "Sea sincera conmigo: ¿mis calcificaciones se ven mal?",
        "Mi informe: microcalcificaciones agrupadas. ¿Ya es cáncer?",
        "Le encontraron calcificaciones a mi mamá. ¿Es peligroso para ella?",
        "Te copio lo que dice mi reporte: calcificaciones finas lineales. ¿Es grave?",
        "Están cerca de la axila. ¿Eso significa que se me extendió?",
        "Tomo calcio por los huesos. ¿Las dejo de tomar?",
    ],
)
def test_spanish_questions_about_her_own_result(personal_es, text: str) -> None:
    assert personal_es(text)


@pytest.mark.parametrize(
    "text",
    [
        "¿Qué son las microcalcificaciones?",
        "¿El yogur es malo si tengo calcificaciones?",
        "¿Hay que preocuparse si salen calcificaciones en la mamografía?",
        "Me hicieron la biopsia ayer y tengo un moretón, ¿es normal?",
        "A mi hermana le dijeron que eran benignas. ¿Por qué salen calcificaciones?",
    ],
)
def test_spanish_general_questions_are_not_personal(personal_es, text: str) -> None:
    assert not personal_es(text)
