"""Emergency and crisis detection: every kind is caught, read in its context.

Rasa's SpacyNLP lowercases text before spaCy sees it, so every text is lowercased here too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from bot.contract import OVERDOSE, SELF_HARM, SUSPECTED_SELF_HARM
from bot.nlp.clauses import PERSONAL_FILES
from bot.nlp.emergency import (
    AIRWAY,
    CONTEXT_FILE,
    EMERGENCY_FILE,
    EmergencyDetector,
    Finding,
    judge,
)
from bot.nlp.spanish import SPANISH_CONTEXT_FILE, SPANISH_EMERGENCY_FILE

ROOT = Path(__file__).resolve().parents[3]
KINDS = yaml.safe_load(EMERGENCY_FILE.read_text(encoding="utf-8"))["kinds"]

Detect = Callable[[str], "Finding | None"]


@pytest.fixture(scope="module")
def detector(nlp: Language) -> EmergencyDetector:
    return EmergencyDetector(nlp)


@pytest.fixture(scope="module")
def detect(nlp: Language, detector: EmergencyDetector) -> Detect:
    """What the rules say on their own: a lone physical sign ("pills", "a fever") says nothing
    until the classifier confirms it (tests/bot/components/test_safety_decision.py)."""

    def statement(text: str) -> Finding | None:
        finding = detector.detect(nlp(text.lower()))
        return None if finding is not None and finding.sign else finding

    return statement


def certain(kind: str) -> Finding:
    return Finding(kind, True)


def uncertain(kind: str) -> Finding:
    return Finding(kind, False)


POSITIVE = [
    ("fainting", "my mum has gone down in a heap by the sink and is barely responding"),
    # telegraphic
    ("fainting", "mom on the couch. not waking. pls"),
    ("infection", "fever 39 and the biopsy site is red and hot"),
    ("infection", "I've had a fever since yesterday and the biopsy spot is hot and red"),
    ("general", "my glucose meter reads 41, I'm sweaty and shaky"),
    ("general", "slipped on the stairs and banged my head, now I keep vomiting"),
    ("general", "the whole flat smells of gas and I feel sick"),
    ("fainting", "my knees just gave way and I'm on the bathroom floor"),
    ("self_harm", "I have counted how many of the sleeping tablets it would take"),
    ("self_harm", "mum keeps saying she wants to die and asked me where the gun is"),
    ("fainting", "my vision is tunneling and I think I'm about to go down"),
    ("fainting", "the room goes grey when I stand, heart pounding, sweaty and pale"),
    ("overdose", "i did it. the insulin. all the pens. so shaky and sweaty"),
    ("overdose", "my niece got into her grandpa's heart pills, she's 3 and ate a few"),
    ("bleeding", "it soaks a pad in about ten minutes and I'm on my fourth pad"),
    ("bleeding", "it hasn't stopped since dinner, we're on the third dish towel"),
    ("fainting", "mama gone limp, can't wake she"),
    ("overdose", "by mistake I double-dosed my metoprolol, 200 mg total"),
    ("overdose", "grandad swallowed twice all his tablets for the day, he's so drowsy"),
    ("allergic_reaction", "hivs all over me after that shot"),
    ("bleeding", "the biopsy site still hasn't stopped bleeding"),
    # unsure what it means, not whether it happens
    ("fainting", "i don't know if it matters, everything is going black and my ears are ringing"),
    # an attempt to be done right, after one that failed
    ("self_harm", "my attempt in 2021 failed. i want to get it right this time"),
    # 911 on its way is no question about a number
    ("fainting", "911 is coming, mom collapsed on the floor"),
    # on its own, not only beside other breathing words
    ("breathing", "my husband isn't breathing"),
    ("bleeding", "the nurse said a bit of oozing is expected but this isn't a little, three "
                 "gauzes soaked already"),
    # not a death told: "has killed herself" feared now
    ("self_harm", "i'm scared mum has killed herself, she won't pick up the phone"),
    ("general", "I smacked my head on the car door and I've vomited twice since"),
    ("general", "all of a sudden I lost the sight in my right eye"),
    ("self_harm", "she texted me goodbye last night and said she was sorry"),
    ("self_harm", "I've been cutting my arms again since the callback letter"),
    ("breathing", "my little boy is making a high squeaky noise and his face is going purple"),
    ("general", "out of nowhere the worst headache of my life, and my neck is stiff"),
    ("chest_pain", "I had chest pain for the last hour and it is getting worse"),
    ("chest_pain", "I have chest pain"),
    ("chest_pain", "my chest hurts"),
    ("chest_pain", "sharp pain in my chest since this morning"),
    ("chest_pain", "Crushing chest pressure"),
    ("breathing", "i can't breathe"),
    ("breathing", "cant breathe"),
    ("breathing", "I CANNOT BREATHE"),
    ("breathing", "I'm short of breath after the biopsy"),
    ("breathing", "having a hard time breathing"),
    ("breathing", "my throat is closing up"),
    ("bleeding", "bleeding won't stop"),
    ("bleeding", "the biopsy site won't stop bleeding"),
    ("bleeding", "I'm bleeding heavily from the biopsy site"),
    ("bleeding", "there is a lot of blood on the bandage"),
    ("bleeding", "i can't stop the bleeding"),
    ("fainting", "I fainted"),
    ("fainting", "i passed out after the procedure"),
    ("fainting", "I feel faint"),
    ("infection", "I have a fever and my breast is red"),
    ("infection", "high temperature and the breast feels hot"),
    ("infection", "my breast is swollen and I have chills"),
    ("infection", "the biopsy spot is leaking pus. my temperature is 103"),
    ("allergic_reaction", "my lips are swelling and i have hives all over"),
    ("allergic_reaction", "i think i'm having an allergic reaction to the dye"),
    (OVERDOSE, "i just took 15 tylenol"),
    (OVERDOSE, "I took way too many of my pain pills"),
    (OVERDOSE, "swallowed a whole bottle of sleeping pills"),
    (SELF_HARM, "i want to kill myself"),
    (SELF_HARM, "I don't want to be here anymore"),
    (SELF_HARM, "everyone would be better off without me"),
    (SELF_HARM, "I'm thinking about suicide"),
    (SELF_HARM, "i'm not sure i want to live"),
    ("general", "this is an emergency"),
    ("general", "I need an ambulance"),
    ("bleeding", "i'm haemorrhaging from the needle site"),
    ("bleeding", "the gauze is filling again and it is pouring out"),
    ("general", "he had a seizure and he is still jerking, five minutes now"),
    ("fainting", "my sister is here with me, she is unconscious"),
    ("chest_pain", "the ache is spreading down my left arm"),
    ("breathing", "nurse here: dyspnoea at rest, getting worse"),
    ("general", "spilled boiling oil on my hand and the skin peeled off"),
    ("general", "fell off the ladder, my ankle is bent the wrong way with bone showing"),
    (OVERDOSE, "I accidentally had 14 ibuprofen since breakfast"),
    (OVERDOSE, "grandad swallowed 9 of his digoxin by mistake and he's being sick"),
    ("fainting", "sorry if this is garbled, i keep fainting"),
    (SELF_HARM, "i'm planning to overdose on my sleeping pills tonight"),
    ("breathing", "there is not enough air getting in, help"),
    ("bleeding", "the stitches opened again and bleeding much"),
    ("fainting", "i'm on the kitchen floor and i think i'm going to go out again"),
    ("general", "i keep throwing up green and my belly is rock hard"),
    (SELF_HARM, "i will stand on the bridge tonight and i don't come back"),
    ("bleeding", "it keeps coming through the towel however hard i press"),
    ("bleeding", "now the needle spot gushes whenever i lift my arm"),
    ("breathing", "suddenly so breathless on the train i can barely talk"),
    ("breathing", "my inhaler isn't working and i'm still whistling"),
    # Clinical shorthand with a pain score; "CP" alone is also cerebral palsy.
    ("chest_pain", "cp 9/10 going into my jaw"),
    (SELF_HARM, "i can't see a way out except not existing anymore"),
    (SELF_HARM, "should i take all my sleeping tablets at once tonight"),
    (SELF_HARM, "he says he'll take all his tablets if the results are bad"),
    (SELF_HARM, "she told me she will walk into the sea after the biopsy"),
    ("bleeding", "it's pulsing out bright red in little jets"),
    (SELF_HARM, "i wish i wouldn't wake up tomorrow"),
    ("general", "banged my head on the car door and now i'm seeing double"),
    # A joke word before the words does not take them back ("lol" after them does).
    ("breathing", "lol my inhaler isn't working and i get two words out between breaths"),
    ("bleeding", "the lump under the biopsy site keeps growing bigger by the minute"),
    ("bleeding", "my ice pack keeps soaking up with bright blood"),
    ("overdose", "i lost count of the advil i took today, maybe 14"),
    ("fainting", "i went down in the shower and i'm going to go down again"),
    ("bleeding", "her wound is not closing, the sheet is fully red and it is still coming"),
    ("breathing", "lips going a bit blue, she can only get two words out"),
    ("chest_pain", "not sure if this belongs here - heavy feeling behind my breastbone for an "
                   "hour, up into my jaw"),
    ("fainting", "every time i stand up i almost black out and the room goes grey"),
    # Asked whether it is normal, while it happens.
    ("allergic_reaction", "is it normal that my lips are swelling right now since the "
                          "injection?"),
    ("fainting", "i nearly fainted twice just now and i still feel like i'm going to."),
    ("overdose", "my 4 year old swallowed a bunch of my blood pressure pills, what do i do"),
    ("overdose", "the toddler ate a whole jar of gummy vitamins"),
    ("overdose", "my sister took a handful of pills and won't answer me when i shake her"),
    ("bleeding", "is it normal that blood is dripping off my elbow? it's been going for 30 "
                 "minutes"),
    # A question that presupposes what she has, with a sign of now.
    ("breathing", "should i be worried that i can't get a breath in right now?"),
    ("allergic_reaction", "do i need the er if my lips are swelling? took the new pills 10 min "
                          "ago"),
    ("overdose", "how bad is it that i took like 20 advil since noon, my ears are ringing now"),
    ("bleeding", "is it supposed to keep pouring blood like this? it's been going for 40 minutes"),
    # "all over" is not "it's all over".
    ("infection", "3 days after the biopsy i've got a fever of 38.7 and the breast is red "
                  "all over"),
    # Asked as "is it normal N days after": hers, not "my temperature is normal".
    ("infection", "is 102.5 fever ok 5 days after the biopsy? the breast is hot and swollen and "
                  "it's getting redder by the hour"),
    # Taken again and again by mistake: a count of doses today, not a dose a day.
    ("overdose", "i think i took my blood pressure pills 4 times today by accident"),
    # "is it normal it's ..." asks about what is happening to her.
    ("bleeding", "is it normal it's still bleeding? soaked two pads in half an hour"),
    ("fainting", "every time i get up my vision goes black and i go down, right now too"),
    ("overdose", "my toddler chewed open the kids vitamins with iron and ate most of them"),
    # "cause i ..." is "because", not a question about causes.
    ("fainting", "i'm on the kitchen floor cause i couldn't stand, i've gone down twice"),
    # Chest pressure, whatever blood pressure says; two signs of a slow heart happening now.
    ("chest_pain", "pressure in my chest right now and my blood pressure is 180"),
    ("fainting", "she slid to the floor and doesn't answer when i call her name"),
    ("fainting", "my heart feels very slow and my pulse is 38, i keep nearly fainting right now"),
    # A count "of the" tablets, doses forgotten and repeated, plural brand names, a handful.
    ("overdose", "i swallowed 30 of the extra strength tylenol tonight"),
    ("overdose", "mom took her digoxin three times since breakfast, she forgot she'd had it"),
    ("overdose", "took around 6 percocets since lunch"),
    ("overdose", "our toddler just ate a handful of mine"),
    # Someone else's pills with signs now, in another sentence.
    ("overdose", "my dad took eight of his warfarin by mistake. his nose is bleeding."),
    # A sedative not listed before; "like back then" compares, it does not date the pain.
    ("overdose", "i've just swallowed about 30 temazepam with some gin"),
    ("chest_pain", "right now my chest is crushing just like it did back then, into my left arm"),
    # Out again after coming round; "the last time." is the latest of several just now.
    ("fainting", "he came round for a moment and now he's out again on the kitchen floor"),
    ("fainting", "i keep passing out when i get up, four times this hour, cut my chin the last "
                 "time."),
    # "many" swallowed, a count she reports.
    ("overdose", "my son took many of my sleeping pills, he says 20"),
    # Pills taken last night still harm; "after I got the call" is when, not a figure.
    ("overdose", "i swallowed the whole bottle of paracetamol last night after i got the call"),
    ("overdose", "i took 20 tylenol in a day, is that bad?"),
    ("overdose", "the toddler got into my bag and ate some of my glipizide"),
    # A clinician's shorthand: chest pain as "CP" with how it began or how it feels.
    ("chest_pain", "crushing cp for ten minutes now, left arm gone numb"),
    ("chest_pain", "cp started an hour ago and i'm sweating through my scrubs"),
    ("chest_pain", "substernal pressure since i sat down, worse every minute"),
    # The sufferer playing it down now is no verdict that it is over.
    ("breathing", "he's struggling for air and going purple, says it's just his asthma"),
    # A learner's tense and number.
    ("overdose", "i swallow all the sleeping tablet one hour ago, what i do"),
    # Every pill, the pills left unnamed.
    ("overdose", "swallowed them all. so sleepy. sorry"),
    # A count of a named medicine, its verb left out.
    ("overdose", "40 tylenol since breakfast, my ears are ringing"),
    # Asked as a question, then told as done.
    ("overdose", "would 40 advil be too many? already took them, an hour ago"),
    # The owner of the tablets died, not the event: taken tonight.
    ("overdose", "tonight i took the remainder of my late wife's heart tablets with some gin"),
    # An inhaler that does nothing, words between breaths.
    ("breathing", "my inhaler isn't touching it, 4 puffs"),
    ("breathing", "i can only get a word or two out between breaths"),
    # Speech, not a letter.
    ("general", "she's talking to me and it's all gibberish"),
    # A nosebleed is bleeding; a burn with a lighter is self-harm, not a kitchen burn.
    ("bleeding", "his nosebleed won't stop, we're at 25 minutes"),
    # bleeding that began on an earlier day and goes on now
    ("bleeding", "the bleeding since yesterday won't stop"),
    # recovered once, and not now
    ("breathing", "she stopped breathing in the car. She recovered, but now she's not "
                  "breathing again"),
    ("self_harm", "i burn my wrist with a lighter when the waiting gets too much"),
    # A lethal dose asked about for the day of bad news.
    ("self_harm", "how many oxycodone would be too many? asking in case the biopsy is cancer"),
    # a care home's drug error; a nosebleed timed; a toddler and a count of pills gone
    ("overdose", "the night staff gave her another patient's bedtime tablets, she is very drowsy"),
    ("bleeding", "the nosebleed has been going for about 50 minutes now"),
    ("overdose", "my 2 year old was into my bag and three or four of the metoprolol are missing"),
    # unresponsive now, though she was chatting normally a few hours before
    ("general", "grandma is unresponsive on the couch, she was talking fine at dinner"),
    # a bleed that will not quit
    ("bleeding", "the spot where they took the sample just won't quit bleeding"),
    # several days of a pill box at once; fainting told in a second language; blacking out now
    ("overdose", "think I took wednesday to saturday from the pill organiser this morning"),
    ("fainting", "my mother is faint since five minute on the floor"),
    ("fainting", "dad blacks out the moment he sits up, three times since lunch"),
    # a resident who answers only to pain, in a night log
    ("fainting", "night staff say she only responds to pain and not to her name"),
    # a dose asked for a quick or painless death
    ("self_harm", "how many of my sleeping tablets should I swallow so it is painless"),
    # being found, spared to someone
    ("self_harm", "please make sure my daughter is not the one who finds me"),
    ("overdose", "grandad took all of them, the bottle is empty"),
    ("bleeding", "bleeding not stoppin after the biopsy"),
    ("overdose", "dad swallowed his whole week's tablets in one go"),
    # now the same as a heart attack of years ago
    ("chest_pain", "this feels like when I had my heart attack two years ago"),
    # a battery or magnets swallowed
    ("general", "the baby just swallowed a little round battery from the scale"),
    ("overdose", "grandpa sipped windshield antifreeze from a water bottle by mistake"),
]


def test_examples_cover_every_kind() -> None:
    assert {kind for kind, _ in POSITIVE} == set(KINDS)


@pytest.mark.parametrize(("kind", "text"), POSITIVE)
def test_emergency_is_detected_as_certain(detect: Detect, kind: str, text: str) -> None:
    assert detect(text) == certain(kind)


@pytest.mark.parametrize(
    "text",
    [
        "I have chest pain and I want to die",
        "my chest hurts and i want to kill myself",
        "i can't breathe, i don't want to be here anymore",
        "Bleeding won't stop and everyone would be better off without me",
        "i took 30 pills because i want to die",
        # An overdose planned ahead is a crisis, not only pills taken.
        "whatever they find, tonight i'm taking all the pills i've been saving",
        "i don't care anymore, there's a jar of pills stashed away and i'm finished",
        # A goodbye passed on, and someone who no longer answers.
        "she texted 'take care of the dogs' and now she isn't answering",
    ],
)
def test_self_harm_wins_over_other_kinds(detect: Detect, text: str) -> None:
    assert detect(text) == certain(SELF_HARM)


@pytest.mark.parametrize(
    "text", ["I have a fever", "my breast is red", "it feels warm", "i have chills"]
)
def test_infection_needs_both_fever_and_a_red_or_hot_breast(detect: Detect, text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "are these white spots cancer?",
        "should I stop my calcium pills?",
        "what is a stereotactic biopsy",
        "What are calcifications?",
        "do I need more pictures after my mammogram?",
        "what does probably benign mean",
        "my doctor wants a biopsy, is that bad?",
        "am i going to die",
        "a tiny bit of blood on the gauze. they told me to keep the dressing on, for how long?",
        "i am 41 with two kids and they say i need a biopsy. is it cancer?",
        # An age beside a biopsy is not a fever.
        "im 39, what does a stereotactic biopsy involve?",
        "aged 40 and they want a biopsy for the calcifications, is that usual?",
        "",
    ],
)
def test_faq_questions_are_not_emergencies(detect: Detect, text: str) -> None:
    assert detect(text) is None


# --- context: what the words around a symptom do to it ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # figures of speech
        "I'm dying to find out if my multivitamin matters",
        "this wait is killing me, how long do results take",
        "i nearly had a heart attack when they called me back",
        "lol i basically overdosed on cheese my whole life, is that why",
        "been bleeding money on supplements, did they cause this",
        "my pulse went through the roof when i read the letter, what does it mean",
        "a speck of blood came on the strip but it stopped by itself",
        # the past, or over
        "my sister had a heart attack last spring; can calcium in vessels show on a mammogram?",
        "i fainted during my biopsy years ago, is the new one done lying down",
        "I bled a little after my biopsy but I'm totally fine now",
        "in my forties I passed out from low iron, nothing since; are calcs linked to anemia",
        "red and feverish after the biopsy on monday and today everything is normal, no fever",
        "broke out in hives at the dentist once. which numbing drug do they use for a biopsy?",
        "I've been seizure free for a decade, is a stereotactic biopsy safe for me",
        "the bleeding stopped on its own, today it is just a bruise; is soreness normal",
        "in high school I took too many aspirin by accident, ancient history. do meds cause calcs",
        "the report says the calcifications are lined up in a row, what does that mean",
        "three weeks before I had a fever and a red breast, antibiotics cleared it, all good now",
        "can breathing exercises help with the squeeze of the mammogram",
        "after my aunt's scare I locked all my pills away; what are macrocalcifications",
        "I took two of my calcium tablets instead of one by mistake, do supplements cause calcs",
        # a day's dose; pills packed for a trip
        # a bill
        "the ambulance charges arrived, $900 for a short trip and I nearly had a heart attack. is "
        "the biopsy covered?",
        "already swallowed all my pills for the day, can I eat before the mammogram",
        "when I visit my daughter I take a month's pills with me in case, will they scan my bag",
        "i take 1000 mg of calcium a day for my bones, did that cause the spots",
        "I fainted in the car park this morning but I'm fine now, can I still drive",
        "the dressing bled through two nights ago but it has been dry since",
        "had a heart attack 6 yr ago, could that be linked to calcium in vessels",
        "that bad reaction, hives and a puffy face, was years back and sorted with a jab",
        # fiction, other meanings, general questions
        "in a film last night a character collapsed during a biopsy, does that happen",
        "the leaflet mentions a collapsed lung as a rare risk, how rare is that",
        "i'm double-checking my calcium dose, is 1200 mg a day right",
        # denied
        "I took my tablets exactly as prescribed and nothing extra, is the ache normal",
        "Mum took her evening pills as usual and she's dozing now, what time is her biopsy",
        "I'm dying to know what BI-RADS 3 means, the letter is pure gibberish",
        "this isn't an emergency, but what are microcalcifications",
        "no bleeding and no fever, just wondering how long the soreness lasts",
        "didnt bleed and didnt faint, when do the results come",
        "the clamp pinched so much i felt like i would pass out, is bruising normal",
        "my chest x-ray mentioned calcifications, do I need a mammogram",
        "back in the eighties my aunt's face swelled up after a dye, is that hereditary",
        "after my first mammogram I panicked and my husband called an ambulance",
        "I faint at needles, will the biopsy have many?",
        "no swelling of my face or lips and no rash, can I bring my own dressing",
        "it bled through the gauze, I pressed for ten minutes and it stopped.",
        "dad had a heart attack in May, he is recovering at home and doing well",
        "im dying this bruise hurts so much 😭 ok not really, it just aches, can i ice it",
        "the suspense is choking me, when do biopsy results come back?",
        "in 2020 my face swelled up after a contrast dye and they had to give me adrenaline, will "
        "the biopsy use dye?",
        # A count of pictures, and a dose taken twice a day, are not overdoses.
        "the technologist took like 5 extra pictures of my left side, is that normal?",
        "i take apixaban 5 mg twice a day, do i stop it before the biopsy?",
        "which symptoms after a biopsy mean i should go to the er?",
        # A normal reading takes back the fever: the pink edge of a cut is healing.
        "my temperature was 37.2 this morning and the cut is a bit pink, is that healing?",
        "the stock market collapsed the day my letter came, what does probably benign mean",
        "a man in the waiting room had a seizure today, paramedics came. is a late recall ok?",
        "my chest is not hurting, I only want to know about calcium tablets",
        "my husband had chest pains last week and is now on the cardiac ward, can I rebook?",
        # Blood given, not lost; a pain score, not a count of pills.
        "my brother passed out giving blood years ago, he's fine. can he sit in with me?",
        "a bit achy, like 3/10, tylenol is enough",
        # A time that opens the sentence reads over the clause after its comma.
        "years ago, i took an overdose after my divorce. what are calcifications?",
        "when i was 19, i took 30 paracetamol. what does birads 3 mean?",
        # A normal reading, idioms, a pain score, a year long past, an ER visit that is over.
        "my temperature tonight is 37.2, the day after the biopsy, no redness",
        "my sister says i'll give her heart attack with my worrying",
        "my blood is boiling after three hours in the waiting room",
        "pain maybe 3 from 10 and tylenol helps",
        "i had an abscess with a 39 fever after a biopsy back in 2016. are antibiotics given?",
        "this morning the biopsy bled a lot but the er fixed it, when can i shower?",
        # Nobody coming round after a faint; a tech's instruction.
        "the nurse came to check on me after the mammogram, is that usual?",
        "they told me to hold my breath for the picture, how long is that usually?",
        "my neck was stiff from lying on the biopsy table for 40 minutes, heat helps",
        "her throat felt tight for a second, ok she's talking totally normal now, no rash",
        "dropped my pill box, pills everywhere, ok counted twice, all there, nobody took any",
        "i don't think this is an emergency, she's breathing fine now, can she still come at 2?",
        "my throat closed up from penicillin when i was 20, should i tell them before the biopsy?",
        "my chart has an overdose from 2016 in it, is that why they asked so many questions?",
        "when i am 30 (now i am 61) i take too many pills by mistake, so which pain pill after?",
        "the tech took them all again because i moved, do they charge for extra pictures?",
        "i took 500 mg tylenol for the soreness last night, is that ok with calcium?",
        # in professional hands, or explained and over
        "a man fainted in the waiting room but two nurses are with him and he's chatting now",
        "someone collapsed by reception, the staff were quick and paramedics took him away",
        "my chest felt tight for a moment earlier but it was just nerves, it's gone. birads 3?",
        "we keep rat poison in the garage, is it safe around the cat?",
        # what came after an old event
        "my nana fainted at her scan back in manila and now she refuses to book another one",
        "when my daughter was little she swallowed some of my pills; now i lock them away",
        "i'm about 140 lbs, how much calcium should i take a day?",
        "honestly i need a whole bottle of wine just to get through this week. results when?",
        "I want to die of embarrassment, I cried on the tech",
        # fear of the sedation, and a swelling denied
        "what if I don't wake up from the sedation?",
        "face not puffing up, no hives, just itchy where the tape was",
        "found a bunch of his old prescriptions in the cabinet, how do i get rid of them?",
        # a story with its ending; a joke told of someone else
        "At my last job a patient stopped breathing on the ward. She recovered, thankfully.",
        "mum says if I make her watch one more biopsy video she'll jump off a bridge lol",
        # two signs of self-harm taken back as a joke
        "My will is in order and my funeral playlist is picked... kidding, it's only a callback",
        # gossip about her; a daily dose, not a fever; dizzy for a moment and then well
        "my aunt is telling everyone at work that I'm dying of cancer, what does BI-RADS 3 mean?",
        "I'm on aspirin 81 mg daily, the biopsy spot is a little red, should I stop it?",
        "I got lightheaded for a second when I stood up and then felt fine",
        # a belief of the weekend, settled at the hospital
        "at the weekend she was certain she was having a heart attack, chest tight. the "
        "hospital said reflux",
        # a checklist answered no; a receptionist away from her desk
        "Fever? No. Bleeding? No. So why does the site itch so much?",
        "the nurse is not here yet, how long will the magnification views take?",
        # a fever gone since
        "she ran 38.6 after the biopsy on monday. She has been afebrile since tuesday, is "
        "the site ok?",
        # an ambulance seen in passing
        "we passed an ambulance on the way in, is the clinic near the hospital?",
        "the biopsy ache is nothing like when I had my heart attack in 2015",
        "I ate breakfast and wiped the counters with bleach, can I still shower before the "
        "mammogram?",
        # already in hospital; a child's age, then
        "my grandson swallowed a magnet, my son says they're already at the hospital for an x-ray",
        "when my son was 4 he swallowed two magnets and had surgery, now he's in college",
        # what counts as one, asked
        "is a slow ooze classed as an emergency or can it wait till monday",
    ],
)
def test_figurative_past_and_denied_are_not_emergencies(detect: Detect, text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("bleeding", "what if i start bleeding heavily after the biopsy?"),
        ("allergic_reaction", "allergic reaction to the marker clip is possible?"),
        ("chest_pain", "my chest is little tight from nerves, what is segmental"),
        ("infection", "should I go to the ER if I get a fever and the breast is red?"),
        ("breathing", "a lady in my group couldnt breathe at her callback, what are those calcs"),
        ("bleeding", "our patient takes blood thinners: should we expect heavy bleeding after?"),
        ("infection", "the leaflet says to call about fever after a biopsy with the breast red"),
        ("chest_pain", "would chest pain after a mammogram mean anything"),
        ("bleeding", "is heavy bleeding more likely with blood thinners?"),
        ("fainting", "my neighbour fainted after her biopsy, she stood up too fast"),
        ("chest_pain", "I had chest pains on the day of my biopsy, it turned out to be panic"),
        ("chest_pain", "my chest feels a bit tight since the mammogram"),
        ("chest_pain", "can chest pain be from nerves while i wait"),
        # Read online, even told as now: not with her.
        ("breathing", "someone in my biopsy support group posted tonight that she can't breathe"),
        ("infection", "I read a post from a woman with a high fever and a red swollen breast"),
        # What a doctor says of an earlier day is no sign of now.
        ("chest_pain", "my doctor says my chest pain last week was reflux, do calcs matter"),
        # A feeling now, not her friend's fainting now.
        ("fainting", "my aunt fainted at her mammogram and now i'm terrified, is that common?"),
        ("bleeding", "does a core biopsy sting? is there a lot of blood?"),
        ("fainting", "the lady next to me fainted at her biopsy. is fainting common during one?"),
        ("fainting", "last tuesday in the waiting room i had a funny turn and passed out briefly"),
        # In care already, far away, or at a thought: a line under the answer at most.
        ("chest_pain", "my husband is in the ER right now getting checked for chest pain"),
        ("infection", "my daughter-in-law, who lives in leeds, has a fever and a red breast after "
                      "her biopsy"),
        ("breathing", "my husband keeps saying he can't breathe when he thinks about losing me"),
        ("infection", "what ought i do should the breast become red and feverish afterwards?"),
        ("chest_pain", "my brother in ohio had chest pain yesterday and still won't see a doctor"),
        ("breathing", "my wife is three states away and texted that she's been short of breath "
                      "since sunday"),
        ("bleeding", "could i bleed out or stop breathing?"),
        # A clinician tells of a patient on her last shift.
        ("infection", "a lady came in on my last shift with a fever of 103 and a red swollen "
                      "breast after her biopsy"),
        ("general", "the leaflet is clear about when to call 911, but is a bruise normal?"),
        ("general", "before anyone says call 911, i feel fine. what does the 4b mean?"),
        ("allergic_reaction", "cousin got hives from the contrast once, could i react too?"),
        ("bleeding", "say the site bleeds through everything at home, do i call you or 911?"),
        ("general", "if it bleeds overnight, at what point do i call 911 instead of pressing?"),
        ("fainting", "if i pass out during the biopsy, what happens? i passed out getting my ears "
                     "pierced at twelve"),
        ("chest_pain", "when is chest pain after a biopsy a reason to worry?"),
        ("general", "how soaked does the dressing have to get before we should call 911?"),
        ("fainting", "the leaflet warns you might feel faint after the needle, is that common?"),
        ("general", "at what point does swelling after the injection turn into an emergency?"),
        ("fainting", "my neighbour's sister collapsed at her mammogram and my neighbour "
                     "keeps talking about it"),
        ("fainting", "the nurse told me another patient passed out in the chair this "
                     "morning, do many?"),
        ("general", "when must we ring for an ambulance after the procedure, in general?"),
        ("general", "In an emergency after the biopsy, do I ring 911 or go to the clinic?"),
        # a relative far away, whoever is with her
        ("fainting", "my dad back home fainted twice today, my husband is here with me"),
        # far away, by the place's name
        ("chest_pain", "my sister-in-law down in Texas says her chest is crushing and she won't "
                       "call anyone"),
        ("breathing", "my grandma who's in manila can't catch her breath today, what do I say"),
        # already in care
        ("chest_pain", "mum's chest was hurting badly, she's already in the er now"),
        # asked ahead, in the infinitive
        ("breathing", "is it normal to be short of breath after a stereotactic biopsy?"),
    ],
)
def test_hypothetical_or_someone_else_is_uncertain(detect: Detect, kind: str, text: str) -> None:
    assert detect(text) == uncertain(kind)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("bleeding", "my mother is bleeding heavily from the biopsy site"),
        ("chest_pain", "husband here, she wanted to know about results but right now she is "
                       "clutching her chest"),
        ("bleeding", "had the biopsy 2 days ago and now it won't stop bleeding"),
        ("bleeding", "Probably not urgent, but blood is running down from the needle hole"),
        ("fainting", "my nan went down in the hallway after lunch and she aint wakin up"),
        # the past, then the same thing here again
        ("chest_pain", "last spring i had a heart attack and i have the same chest pain"),
        # the first time, or again, said at the end of the message
        ("breathing", "sorry to bother, i can't get my breath, i've never had that before"),
        ("allergic_reaction", "my tongue is swelling up like it did once"),
        ("overdose", "my son found the oxycodone and swallowed them all at once"),
        # Someone with her says what they see on her, or describes another person now.
        ("breathing", "sorry quick one about my 6 month recall, my roommate says my lips are going "
                      "blue and i cant get air in"),
        ("chest_pain", "my gran has chest pain like a weight on her and her jaw hurts, shes all "
                       "sweaty and grey"),
        # A confession, not a guess.
        ("overdose", "is calcium ok with vitamin d? also i might have done something stupid, i "
                     "took 14 ibuprofen with wine"),
        ("general", "my dad fell and banged the back of his head, now hes throwing up and asking "
                    "the same question over and over"),
        # Autocorrect and haste: the words as typed.
        ("bleeding", "biopsy sight breeding bad, cant get it to stop"),
        ("breathing", "throte closin up cant breeve"),
        ("general", "care home nurse, resident aged 88 is having a seizure right now"),
        # "Is it normal" asks about the next few words, not about a long account after it.
        ("chest_pain", "is it normal to feel tightness in my chest after the biopsy, it's "
                       "right in the middle and getting worse for half an hour and my left arm "
                       "is heavy"),
        ("bleeding", "the biopsy site has been bleeding nonstop for an hour and soaked two "
                     "dressings, is that normal?"),
        # Worse than her usual condition.
        ("breathing", "i have copd but this is different, lips going blue and my puffer is "
                      "not working"),
        # Someone said to be with her, in another sentence or clause.
        ("overdose", "my sister took 12 ibuprofen and 8 tramadol in the last couple hours for "
                     "the biopsy pain, shes with me, is that too much"),
        # Two signs and a statement in dictated words.
        ("bleeding", "my biopsy sight opened up and is bleeding heavy threw the dressing and i "
                     "dont know it wont clot"),
        ("fainting", "mama just fell out right here in front of me and she aint answering me"),
        ("bleeding", "the biopsy hole fills a fresh pad every few minutes and it's been over an "
                     "hour"),
        # A confession, not a guess.
        ("overdose", "so i may have taken like 12 of my anxiety pills at once. feeling very "
                     "floaty"),
        # A question answered by the next sentence: it is hers, and now.
        ("overdose", "is it dangerous if somebody take 25 advil in one day? because i did, now i "
                     "have ringing in ears"),
        ("allergic_reaction", "is it normal that my lips are swelling? it's happening to me right "
                              "now"),
        ("overdose", "is it bad if i took like 20 tylenol today for the soreness?"),
        ("chest_pain", "right now i have pressure in the center of my chest that started while "
                       "i was watching tv"),
        ("bleeding", "the biopsy site has been leaking red since 3pm, i've gone through a whole "
                     "box of gauze"),
        # What the one beside her says now is hers (not "she said" of an old story).
        ("breathing", "he says he can't breathe, he's sitting on the stairs holding the rail"),
        # A named medicine, then all of it; seizures one after another.
        ("overdose", "the ambien. all of it. feeling woozy"),
        ("general", "her second seizure started and she never woke up in between"),
    ],
)
def test_happening_now_outweighs_other_people_and_earlier_events(
    detect: Detect, kind: str, text: str
) -> None:
    assert detect(text) == certain(kind)


@pytest.mark.parametrize(
    "text",
    [
        "if the biopsy comes back bad im going to end my life",
        "the girls will be better off with the life insurance than with a sick mom",
        # a goodbye passed on and a gun gone; a note asking not to be looked for
        "she called to say take care of dad, sorry, and now her rifle is missing",
        "he left a note telling us not to look for him and took the car an hour ago",
        "my husband will be ok with the insurance money, it's all sorted",
        "wrote goodbye letters to my family tonight",
        "if it's cancer i'll take all my insulin at once",
        "sorry for everything, love you, look after the kids",
        "mi tired fi live, mi nah go to di callback",
        "i've stood at the top of the car park twice now. next time i'll go through with it.",
        "i don't want to be a burden anymore",
        "i've been saving up my pills and tonight is the night",
        "I'll just overdose on the calcium pills then",
        # means asked about, and pills bought where no one would notice
        "how long does a tylenol overdose take to work? i've been buying bottles at different "
        "stores so nobody notices",
        "goodbye everyone. tell my daughter i loved her",
        "she's sitting with all her tablets and a bottle of wine, thinking about it",
        "can u give my appointment to someone who actually wants to live",
    ],
)
def test_self_harm_is_certain_when_conditional_or_with_two_signs(
    detect: Detect, text: str
) -> None:
    assert detect(text) == certain(SELF_HARM)


def test_a_lone_sign_of_self_harm_stays_uncertain(detect: Detect) -> None:
    # Never dropped: with nothing else to answer, it gets the crisis reply (actions/fallback.py).
    assert detect("i won't be around next week, can the biopsy wait") == uncertain(SELF_HARM)
    assert detect("please tell my nurse thank you and goodbye") == uncertain(SELF_HARM)
    assert detect("my son found her notes on the table") == uncertain(SELF_HARM)
    # Blood pressure pills and a stopped heart: a means asked about, not chest pressure.
    assert detect("how many blood pressure pills would make my heart stop") == (
        uncertain(SELF_HARM))
    assert detect("i think this is my last week on earth, anyway when do you open") == (
        uncertain(SELF_HARM))
    # A funeral planned, or affairs put in order, is no act happening now: the crisis line.
    assert detect("i'm writing out my funeral wishes, just being organised") == (
        uncertain(SELF_HARM))
    assert detect("i'm getting my affairs in order because my kids asked me to") == (
        uncertain(SELF_HARM))
    # Sorting out a will is no act happening now: the crisis line, not the crisis reply.
    assert detect("i'm updating my will this month, can i have the biopsy on friday?") == (
        uncertain(SELF_HARM))
    assert detect("set a date. the day after the biopsy.") == uncertain(SELF_HARM)
    assert detect("you won't have to put up with me much longer, is the clinic open friday") == (
        uncertain(SELF_HARM))
    # Means searched for, said without the word.
    assert detect("googling ways. is the clinic open on monday") == (
        uncertain(SELF_HARM))
    assert detect("I already took them. goodbye everyone.") == uncertain(SELF_HARM)
    # An age is no count of pills, which would make the will certain.
    assert detect("wrote my will bc my lawyer says everyone over 50 should. stop aspirin?") == (
        uncertain(SELF_HARM))
    # A wish beside the sedation is no fear of it.
    assert detect("honestly hoping i don't wake up from the sedation tomorrow") == (
        certain(SELF_HARM))


@pytest.mark.parametrize(("text", "sign"), [
    # pills named before, counted out; the world said to want her gone
    ("the bottle from my dentist, i counted them out last week", True),
    ("feels like the whole world wants me gone, so what's a biopsy", True),
    # a lethal amount searched for; not calcium or vitamins
    ("last week i searched how many sleeping pills would be enough", True),
    ("searched how much calcium is too much, should i stop it?", False),
    # a death told
    ("our neighbour killed himself in the spring, is there a support group at the clinic?",
     True),
])
def test_signs_of_self_harm_said_without_its_words(detect: Detect, text: str, sign: bool) -> None:
    assert detect(text) == (uncertain(SELF_HARM) if sign else None)


@pytest.mark.parametrize(
    "text",
    [
        "not suicidal or anything, just sick of waiting",
        "i'm not going to hurt myself but i'm scared of the results",
        # over, or said of other people in general
        "two years ago i attempted suicide; i'm doing much better now",
        "do women who get a scary result often feel suicidal? my friend wondered",
        "her husband wrote that she'd tried to end her life; she's in hospital and safe",
        "years ago i went through a dark patch and wanted to die, but that's behind me now",
        "how common are suicidal thoughts after a cancer scare?",
        # a form's question about past attempts
        "the intake form asks about past suicide attempts, must i answer?",
        # a sign of self-harm with a practical reason beside it
        "we're relocating to denver, so i won't need it at your clinic. who sends my films?",
        "giving away my old nursing bras since i'll need new ones after surgery, any tips?",
        "saying goodbye for now, off to spain for a month. can my follow up wait till i'm back?",
        "fifteen years since i tried to end it all, and doing well. is lidocaine used?",
        "there was a time when i wanted to die; i'm well now. is the biopsy painful?",
        "a long while ago i tried to end my life. i just want to know what a core biopsy is",
        "this isn't about suicide, i just feel low since the callback. is there a counsellor?",
        "thanks for everything! this is my last message, my surgeon's team is taking over",
        "last radiation today, I rang the bell! consider this my goodbye note to the team",
        "she's scared, that's it, she's not talking about hurting herself or anything like that",
        "my sister says she wants to die every time she gets a parking ticket, it's just how she "
        "talks",
        "my sister says shed rather be dead than lose a breast. shes being dramatic, shes fine",
        # said to her from far away
        "my aunt in Manila says by whatsapp she wants to die, how can I help her from here",
        # what the number is for, asked for a leaflet
        "what's the hotline number for suicide help? our book club is making a leaflet",
        "is 988 just for suicide or also for panic attacks while waiting?",
        # a denial in the conditional
        "nothing to worry about, I would never hurt myself, just low since the letter",
    ],
)
def test_denied_or_past_self_harm_brings_the_crisis_line_only(detect: Detect, text: str) -> None:
    # Never dropped, never the crisis reply in place of an answer: the crisis line under it.
    assert detect(text) == uncertain(SUSPECTED_SELF_HARM)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("bleeding", "the dressing is soaked and my shirt is wet"),
        ("breathing", "every breath stops halfway"),
        ("fainting", "so dizzy i cant stand up"),
        ("general", "worst pain of my life in my belly"),
        ("overdose", "the tablets are nearly gone"),
        ("fainting", "she keeps fading out on the couch"),
        ("fainting", "he went down like a stone"),
        ("fainting", "he can barely rouse her"),
        ("breathing", "my peak flow has dropped to half"),
        ("fainting", "my mum keeps going out on the sofa"),
        ("bleeding", "this isn't oozing anymore, it drips when i stand"),
        ("bleeding", "the sheet under her is all wet"),
        # a dose repeated, or one medicine taken for another
        ("overdose", "she had her blood thinner 3 times today, she forgot she took it"),
        ("overdose", "he took two of my warfarin instead of his vitamins"),
        ("overdose", "i did my lantus at 7 and i think i did it again at 8"),
    ],
)
def test_a_plain_physical_sign_waits_for_the_classifier(
    nlp: Language, detector: EmergencyDetector, kind: str, text: str
) -> None:
    assert detector.detect(nlp(text)) == Finding(kind, False, sign=True)


def test_an_uncertain_statement_beside_a_sign_is_kept(
    nlp: Language, detector: EmergencyDetector
) -> None:
    """So that its safety line stands when the classifier does not confirm the sign."""
    found = detector.detect(nlp("my dressing is soaked. could i be having an allergic reaction?"))
    assert found == Finding("bleeding", False, sign=True, stated="allergic_reaction")


@pytest.mark.parametrize(
    "text",
    [
        "what if i feel dizzy when i stand up",
        "my friend bled a lot after her biopsy",
        "i felt dizzy yesterday at the clinic",
    ],
)
def test_a_sign_in_an_unsettled_context_is_dropped(
    nlp: Language, detector: EmergencyDetector, text: str
) -> None:
    assert detector.detect(nlp(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "i'm not having any chest pain or trouble breathing, what are calcifications",
        "my chest doesn't hurt and i'm breathing fine",
        "my heart was pounding out of my chest in the waiting room",
        "i take blood pressure pills, do they cause calcifications",
        "what if i faint during the biopsy? i'm the fainting type",
        "can calcium supplements cause heart problems? i take them and now they found calcs",
        "my cousin once took too many of her pills, does that run in families",
        "can taking too much vitamin d cause calcifications",
        "which symptoms after a biopsy mean i should go to the emergency room",
        "should i call 911 if i get a fever after the biopsy",
        "is fainting a side effect of the numbing shot",
        "i've carried an epipen for years; what numbing medicine is used",
        "deep breath. what does birads 3 mean for me?",
        "what temperature should make me call after the biopsy?",
        "i get woozy around needles but i've never actually fainted",
        "my husband's dad has chest pain and is in the icu two states away",
        "seems like a lot of blood and needles for a benign result",
        "my sister is only 39 and they want a biopsy, will it be cancer?",
        "sats are 97 and i'm not short of breath, can i use my inhaler before the mammogram?",
        "i've had anaphylaxis to penicillin, will they use it at the biopsy?",
        "when i was in my twenties i overdosed once. is sedation safe with my antidepressants?",
        "weeks of appointments and still no answer about my calcs",
        "my friend keeled over at her mammogram last week, she's grand now",
        "my wallet is bleeding from all these copays",
        "i couldn't breathe until the nurse rang and said benign",
        "i passed out giving blood in college, is a biopsy like that?",
        "my mom keeps saying she's dying, she's so dramatic",
        "i'm paranoid about taking too many pills, can i have a second tylenol?",
        # Dated by the sentence after it.
        "i had a fever and a red hot breast after my biopsy. that was years ago.",
        "after my biopsy i had a fever and a red hot breast. that was 3 years ago.",
        "my chest pain last spring turned out to be reflux. are calcs related?",
        "a woman fainted in the waiting room today. the staff handled it. is that common?",
        "chest pain? no, none. just an ache where they pressed.",
        "they gave me a card that says call 911 if you have trouble breathing",
        "is it normal that my breast is a bit sore after the mammogram?",
        "i don't want to be reckless, but can i wait a year instead of six months?",
        "i have diabetes and high blood pressure. are my vascular calcs a heart problem?",
        "my partner got her results and went quiet",
        "she's choking on all the medical jargon in the letter",
        "i can't breathe until i hear back, are benign calcs common?",
        "do calcifications mean she's taking too much calcium?",
        "a small itchy rash just under the tape, no swelling and she's breathing fine",
        "back in 2015 i got hives and wheezing from contrast. they gave me meds and it settled "
        "down.",
        "my daughter has a peanut allergy and her throat swells shut if she eats any",
        "i'm so angry i'm shaking",
        "my chest feels heavy with sadness, not pain",
        "i keep saying goodbye in my head to my old life",
        "i saved up my sick days for this and now they've moved my biopsy again",
        "i had a panic attack last week. i was sure it was a heart attack. it passed, but i'm "
        "still shaken.",
        "my mother-in-law is acting like i'm dying",
        "last year i had quite a hemorrhage from the site, where it was stopped with pressure",
        "my wallet is hemorrhaging. biopsy copay, parking, time off work",
        "i overdosed by accident years ago. i use a pill organizer now and have had no problem",
        "my throat isn't closing or anything, it's just a little scratchy",
        "i'm on a lot of pills (metoprolol, gabapentin, zolpidem, insulin), all at my normal doses",
        "it's not bleeding at all and the swelling has gone down",
        "my last biopsy site got infected, red hot boob, fever, antibiotics. it healed fine.",
        "do i keep taking my blood pressure and heart pills on the day of my callback?",
        "i'm not feeling faint or anything, but i get queasy thinking about needles",
        "i didn't faint, i just felt a bit off standing up too fast",
        "got mastitis w fever n a red swollen boob after my 1st kid. long gone.",
        "after top surgery i had a hematoma and lost a lot of blood, that was 2019.",
        "my husband says i'm going to give myself a heart attack over this",
        "i took one extra ibuprofen by mistake today, so four total instead of three",
        "i'm bleeding out on parking fees at the imaging center",
        "i'm an emergency room nurse and i'm terrified of needles",
        "i have a few itchy red bumps where the tape was. no swelling and i'm breathing fine.",
        # A regimen is no overdose, whatever "now" follows it.
        "i swallow 8 pills every morning and now they want to add vitamin d",
        "the pill organizer for my dad is a nightmare, can calcium go in with his heart pills",
        "all 20 of her sleeping pills are still in the bottle, i counted",
        "no redness, no fever, just itchy under the dressing",
        "my friend overdosed in 2015. i'm managing my mom's meds on top of everything now",
        "the nurses took her inside quickly when she couldn't breathe, it scared me",
        # A faint told as done, one event of a story.
        "i've fainted at my last two checkups. what are macrocalcifications?",
        # Her regimen; relief told in a figure of speech; a question about doses in general.
        "she's 85 and on 12 tablets, which of them matter for the mammogram?",
        "the report came back benign and i can finally breathe again",
        "what is the overdose level for vitamin d tablets?",
        "a long time ago, in a dark period, i took an overdose. i'm fine these days",
        "i read something about heart attacks from calcium pills, is that true?",
        "when they said 'hmm' i swear i stopped breathing, is that a bad sign?",
        "could my heart pills make me faint on the biopsy table?",
        "my manager is breathing down my neck about the time off for the biopsy",
        "who do i put as my emergency contact if i live alone?",
        "my heart was in my throat all day waiting for the call",
        "i faint easily when i see blood, can i lie down for the biopsy?",
        # Over at once; a figure for the wait; a question that opens "does one ...".
        "the bleeding stopped right away when i pressed, can i shower today?",
        "i'll pass out from all this waiting, when do results come?",
        "does one beer with my advil do any harm?",
        # Asked ahead; taken back; only while; a joke owned up to in the next sentence.
        "she's afraid the compression will make her short of breath, is there another way?",
        "when is it an emergency after a biopsy, and when can it wait?",
        "i went clammy and passed out at my biopsy in 2020. totally fine afterwards.",
        "my chest gets tight only while i'm reading about dcis online",
        "my chest is tight from holding my breath all week. kidding. when are results due?",
        "i'm ready to throw the whole bottle of calcium away, is that silly?",
        "what do they use to numb the breast for a biopsy?",
        "the biopsy site is a bit red and warm and the bill says covered 100%",
        "i take many medicines, tylenol among them, does that matter for the biopsy?",
        "out cold on the sofa for hours after the biopsy, best nap i've had in years",
        "she takes 9 tablets a day, metformin and a bunch more, which stop before the biopsy?",
        "could the numbing make my throat swell? asking ahead of thursday",
        "can you help me fill in the form listing all her meds?",
        # A denied symptom just before ", i've ..." stays denied.
        "the site is a bit red but i haven't got a temperature, i've been checking all day",
        # A dose question, and an old woman's wish not to trouble her son for a lift.
        "no chest pain today, i forgot my noon pill, should i take it now or wait for supper?",
        "i don't want to be a burden to my daughter, so i'll take the bus to the biopsy",
        "we set a date for the biopsy, is that too soon?",
        # Figures, measuring, a season gone by, what happens now and then.
        "i swear i nearly had a heart attack when the phone rang, what is a magnification view?",
        "my son came running down the stairs when i screamed, the result was benign",
        "the bra helps more than the tylenol did, is soreness normal on day two?",
        "no fever at all, when can i stop taking my temperature after the biopsy?",
        "last spring i had chest pain after my mammogram, it turned out to be panic",
        "sometimes after my calcium pills i get a burning behind the breastbone, should i stop?",
        # Already in professional hands, an illness accepted, a soreness asked about.
        "paramedics took my coworker an hour ago after she passed out, should i worry?",
        "the guy who was wheezing got taken back by staff right away. do i skip deodorant?",
        "i've made my peace with this disease killing me someday. do calcifications matter?",
        "her breast is sore from the compression, will it be gone by tonight?",
        "could i be allergic to the numbing? i react to a bunch of meds",
        "i've got a bunch of leftover oxycodone from surgery, where can i drop it off?",
        "since the callback my heart is hanging in the air, when do results come?",
        # A visit, fear and embarrassment: no faint, no chills.
        "my neighbour is coming round tomorrow to drive me to the biopsy, is that allowed?",
        "shaking with nerves about the stereotactic biopsy, how long does it take?",
        "when the nurse said biopsy i wanted the ground to swallow me up",
        "can i keep taking my seizure meds before the biopsy?",
        "i stopped the tylenol, all of it, after the biopsy",
        # a trip, not a leaving; refills, not pills, missing
        "can we move it to friday so i can go up and see my sister",
        "my metoprolol refills are missing from the pharmacy app",
        # a pain that will not quit, after a bleed that stopped
        "the bleeding stopped, but the ache won't quit",
        # a bleed told with its past inside it
        "I had bleeding last week that wouldn't stop for ages",
    ],
)
def test_denials_lists_and_idioms_raise_nothing(
    nlp: Language, detector: EmergencyDetector, text: str
) -> None:
    found = detector.detect(nlp(text))
    assert found is None or not found.certain


def test_it_is_not_stopping_is_no_denial(detect: Detect) -> None:
    assert detect("it's not stopping, blood everywhere") == certain("bleeding")


RULE_FILES = [EMERGENCY_FILE, SPANISH_EMERGENCY_FILE, CONTEXT_FILE, SPANISH_CONTEXT_FILE,
              *PERSONAL_FILES.values()]


def _word_lists(node: object) -> list[list[object]]:
    """The words of every list in a rules file, at any depth: phrase lists, a kind's groups
    (whose token patterns are read as lists of their own) and the IN / NOT_IN of patterns."""
    if isinstance(node, dict):
        return [found for value in node.values() for found in _word_lists(value)]
    if isinstance(node, list):
        words = [entry for entry in node if not isinstance(entry, (dict, list))]
        return ([words] if words else []) + [found for entry in node
                                             for found in _word_lists(entry)]
    return []


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda path: path.name)
def test_every_listed_word_is_text(path: Path) -> None:
    # YAML reads a bare on, off, no or yes as a boolean: such a word would never match.
    lists = _word_lists(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert lists
    assert [words for words in lists if not all(isinstance(w, str) for w in words)] == []
    for kind, rules in KINDS.items():
        for group in rules.get("together", []):
            assert all(isinstance(entry, (str, list)) for entry in group), kind


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda path: path.name)
def test_no_list_repeats_an_entry(path: Path) -> None:
    # A repeat changes nothing but hides what a list holds; about 70 had crept in.
    lists = _word_lists(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert lists
    assert [sorted({w for w in words if words.count(w) > 1}) for words in lists
            if len(set(words)) < len(words)] == []


@pytest.mark.parametrize("path", [EMERGENCY_FILE, SPANISH_EMERGENCY_FILE],
                         ids=lambda path: path.name)
def test_no_phrase_is_both_a_statement_and_a_sign_of_one_kind(path: Path) -> None:
    # The statement always wins, so the sign's copy would only mislead a reader.
    kinds = yaml.safe_load(path.read_text(encoding="utf-8"))["kinds"]
    both = {kind: set(rules.get("phrases", [])) & set((rules.get("weak") or {}).get("phrases", []))
            for kind, rules in kinds.items()}
    assert {kind: phrases for kind, phrases in both.items() if phrases} == {}


@pytest.mark.parametrize(
    ("kind", "categories", "acute", "weak", "expected"),
    [
        ("bleeding", set(), False, False, True),
        ("bleeding", {"FIGURATIVE"}, True, False, None),
        ("bleeding", {"NEGATED_EXISTENCE"}, True, False, None),
        ("bleeding", {"HISTORICAL"}, False, False, None),
        ("bleeding", {"HYPOTHETICAL"}, True, False, False),
        ("bleeding", {"EARLIER"}, False, False, False),
        ("bleeding", {"EARLIER"}, True, False, True),
        ("bleeding", {"HABITUAL"}, False, False, False),
        (SELF_HARM, {"NEGATED_EXISTENCE"}, False, False, False),
        (SELF_HARM, {"HYPOTHETICAL"}, False, False, True),
        (SELF_HARM, {"OTHER_PERSON"}, False, False, True),
        (SELF_HARM, {"HABITUAL", "HYPOTHETICAL"}, False, False, False),
        (SELF_HARM, {"OTHER_PERSON", "HABITUAL"}, True, False, False),
        (SELF_HARM, set(), False, True, False),
        (SELF_HARM, set(), True, True, True),
        (SELF_HARM, {"FIGURATIVE"}, True, False, None),
        # a joke taken back: self-harm words meant, laughter or not; other kinds still a figure
        (SELF_HARM, {"FIGURATIVE", "EARNEST"}, False, False, True),
        ("bleeding", {"FIGURATIVE", "EARNEST"}, True, False, None),
        ("bleeding", set(), True, True, False),
        ("bleeding", {"HISTORICAL"}, True, True, None),
        ("bleeding", {"MILD"}, True, True, None),
        ("bleeding", {"OTHER_PERSON"}, False, True, None),
        ("bleeding", {"MILD"}, True, False, False),
        ("bleeding", {"OTHER_PERSON"}, False, False, False),
        ("bleeding", {"OTHER_PERSON"}, True, False, True),
    ],
)
def test_judge_weighs_each_context_category(
    kind: str, categories: set[str], acute: bool, weak: bool, expected: bool | None
) -> None:
    assert judge(kind, categories, acute, weak) is expected


def test_a_pipeline_without_sentences_is_refused(nlp: Language) -> None:
    detector = EmergencyDetector(nlp)
    with nlp.select_pipes(disable=["sentencizer"]):
        doc = nlp("i can't breathe")
    with pytest.raises(ValueError, match="sentencizer"):
        detector.detect(doc)


# --- every phrasing in emergency.yml ------------------------------------------------------


PHRASES = [(kind, phrase) for kind, rules in KINDS.items() for phrase in rules.get("phrases", [])]


@pytest.mark.parametrize(("kind", "phrase"), PHRASES, ids=[p for _, p in PHRASES])
def test_every_listed_phrase_is_its_own_kind(detect: Detect, kind: str, phrase: str) -> None:
    # A phrase that a tokenizer change or an earlier kind would shadow shows up here.
    found = detect(f"help, {phrase} now")
    assert found is not None and found.kind == kind


TOGETHER = [(kind, [[entry for entry in group if isinstance(entry, str)]
                    for group in rules["together"]])
            for kind, rules in KINDS.items() if rules.get("together")]


@pytest.mark.parametrize(("kind", "groups"), TOGETHER, ids=[kind for kind, _ in TOGETHER])
def test_every_phrase_of_a_combined_kind_counts_with_the_others_and_not_alone(
    nlp: Language, kind: str, groups: list[list[str]]
) -> None:
    detector = EmergencyDetector(nlp)

    def kinds(text: str) -> set[str]:
        return {found.kind for found in detector.findings(nlp(text)) if not found.sign}

    for index, group in enumerate(groups):
        for phrase in group:
            combo = [phrase if other == index else groups[other][0]
                     for other in range(len(groups))]
            assert kind in kinds(" and then ".join(combo)), combo
    alone = set(KINDS[kind].get("phrases", []))
    for phrase in (phrase for phrase in groups[0] if phrase not in alone):
        assert kind not in kinds(f"i have {phrase}"), phrase


# --- the project's own NLU examples -------------------------------------------------------


def _examples(path: Path) -> list[tuple[str, str]]:
    found = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" not in block:
            continue
        examples = block["examples"]
        if isinstance(examples, str):
            texts = [line.strip()[2:] for line in examples.splitlines() if line.strip()]
        else:
            texts = [example["text"] for example in examples]
        found += [(block["intent"], text) for text in texts]
    return found


NLU_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml")) + [ROOT / "tests/eval/heldout.yml"]
NLU_EXAMPLES = [example for path in NLU_FILES for example in _examples(path)]
RISK_INTENTS = ("emergency", "self_harm")
# How much of the training data's emergencies and self-harm the rules alone must find. Only a
# rule finding can give the emergency reply, so emergencies need the rules; self-harm said
# indirectly is often left to the classifier, whose suspicion adds the crisis line under any
# reply (tests/e2e/test_patient_sets.py checks the crisis line on every self-harm message).
MIN_RULE_RECALL = {"emergency": 0.95, "self_harm": 0.6}


def test_nlu_examples_were_read() -> None:
    intents = {intent for intent, _ in NLU_EXAMPLES}
    assert {"emergency", "self_harm", "causes", "follow_up", "greeting"} <= intents
    assert sum(intent in RISK_INTENTS for intent, _ in NLU_EXAMPLES) >= 200


@pytest.mark.parametrize("intent", RISK_INTENTS)
def test_the_rules_find_most_emergency_and_self_harm_examples(nlp: Language, intent: str) -> None:
    detector = EmergencyDetector(nlp)
    texts = [text.lower() for name, text in NLU_EXAMPLES if name == intent]
    findings = [detector.detect(doc) for doc in nlp.pipe(texts)]
    missed = [text for text, found in zip(texts, findings, strict=True)
              if found is None or (intent == "self_harm" and found.kind != SELF_HARM)]
    assert 1 - len(missed) / len(texts) >= MIN_RULE_RECALL[intent], missed


def test_no_other_example_raises_a_certain_alarm(nlp: Language) -> None:
    detector = EmergencyDetector(nlp)
    texts = [text.lower() for intent, text in NLU_EXAMPLES if intent not in RISK_INTENTS]
    findings = [detector.detect(doc) for doc in nlp.pipe(texts)]
    alarms = [(text, found) for text, found in zip(texts, findings, strict=True)
              if found is not None and found.certain]
    assert len(texts) > 500
    assert alarms == []


def test_detection_leaves_a_doc_that_rasa_can_copy(nlp: Language) -> None:
    # Rasa deep-copies parse results (FallbackClassifier, rasa test nlu); a Span cannot be pickled.
    import copy

    doc = nlp("what if i bleed a lot after the biopsy? i can't breathe")
    assert EmergencyDetector(nlp).detect(doc) is not None
    assert copy.deepcopy(doc).text == doc.text


@pytest.mark.parametrize(
    ("text", "figures"),
    [("i'm dying to know what these white spots are", True),
     ("my blood is boiling over this bill, what does birads 3 mean", True),
     # a figure beside a symptom, and no figure at all
     ("my blood is boiling and now the biopsy site is bleeding through the gauze", False),
     ("what does birads 3 mean", False)],
)
def test_figures_only_when_every_alarm_word_is_a_figure_of_speech(
    nlp: Language, text: str, figures: bool
) -> None:
    assert EmergencyDetector(nlp).read(nlp(text.lower())).figures_only is figures


def test_each_doc_gets_its_own_reading_in_any_order(nlp: Language) -> None:
    # The last doc's reading is kept for the rule layer's second question about it; two docs
    # of the same text are read alike.
    detector = EmergencyDetector(nlp)
    bleeding, question = "i'm bleeding through the gauze right now", "what does birads 3 mean"
    for text in (bleeding, question, bleeding, bleeding, question):
        doc = nlp(text)
        expected = certain("bleeding") if text == bleeding else None
        assert detector.detect(doc) == expected
        assert detector.read(doc).has_targets is (text == bleeding)


@pytest.mark.parametrize(("text", "meant"), [
    ("if it's cancer I'll kill myself lol, not even joking", True),
    ("if it's cancer I'll kill myself lol", False),
    # "only joking" says it was one; "only half joking" takes it back
    ("if it's cancer I'll kill myself lol, only joking", False),
    ("if it's cancer I'll kill myself lol, only half joking", True),
    # taken back in the next sentence, where ConText's scope does not reach
    ("the biopsy is friday and honestly i want to die haha. that's not a joke", True),
    ("the biopsy is friday and honestly i want to die haha. anyway see you friday", False),
])
def test_a_joke_taken_back_leaves_its_crisis_words_meant(detect: Detect, text: str,
                                                        meant: bool) -> None:
    found = detect(text)
    assert (found is not None and found.kind == SELF_HARM) == meant


@pytest.mark.parametrize(("text", "kind"), [
    # A rule that needs a mark after its phrase also matches when the message ends on it.
    ("my husband found my sleeping pills and took them all", OVERDOSE),
    ("my husband found my sleeping pills and took them all.", OVERDOSE),
])
def test_a_message_that_ends_on_a_phrase_is_read_as_if_a_mark_followed(
    detect: Detect, text: str, kind: str
) -> None:
    assert detect(text) == Finding(kind, True)


def test_the_end_mark_is_added_to_the_last_sentence_only_for_reading(nlp: Language) -> None:
    doc = nlp("i took them all")
    EmergencyDetector(nlp).detect(doc)
    assert doc.text == "i took them all"


@pytest.mark.parametrize(("text", "found"), [
    # "as before" compares with the past; the pain is now
    ("my chest is tight and heavy again, the same as before.", True),
    ("my chest felt tight like this once before.", False),
    # a laugh owned up to opens its sentence; "not kidding" at the end insists
    ("crushing chest pain right now, not kidding.", True),
    # the idiom, but not after pills
    ("i'll just go and get it biopsied and be done with it.", False),
    ("honestly i'd swallow every one of my pills and be done with it.", True),
])
def test_sentence_end_rules_read_what_they_were_meant_for(detect: Detect, text: str,
                                                         found: bool) -> None:
    assert (detect(text) is not None) is found


@pytest.mark.parametrize("path", [EMERGENCY_FILE, SPANISH_EMERGENCY_FILE])
def test_the_airway_kinds_are_kinds_of_the_rules(path: Path) -> None:
    # AIRWAY names kinds by their keys in the rules files; a renamed kind must not drop out.
    kinds = set(yaml.safe_load(path.read_text(encoding="utf-8"))["kinds"])
    assert AIRWAY.issubset(kinds)
