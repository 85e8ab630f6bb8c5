"""Emergencies and crisis language in Spanish: the same detector with the Spanish rules."""

from __future__ import annotations

import pytest
import yaml

from bot.contract import OVERDOSE, SELF_HARM, SUSPECTED_SELF_HARM
from bot.nlp.emergency import Finding
from bot.nlp.spanish import SPANISH_EMERGENCY_FILE, SpanishSafety, spanish_pipeline

KINDS = yaml.safe_load(SPANISH_EMERGENCY_FILE.read_text(encoding="utf-8"))["kinds"]


@pytest.fixture(scope="module")
def spanish() -> SpanishSafety:
    return SpanishSafety()


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("bleeding", "me sigue saliendo sangre de la herida y no para"),
        # the day of the biopsy, not of the bleeding
        ("bleeding",
         "mi madre tiene la biopsia de ayer y le sangra a chorro por debajo del apósito"),
        # "por si acaso" says why she writes, not a hypothesis.
        ("breathing", "le comento por si acaso que desde hace un rato me ahogo hasta sentada"),
        # Spanglish: the English word for where the blood is.
        ("bleeding", "hay sangre everywhere desde la biopsia"),
        # more than the little they said was normal; a dressing, not a blouse
        ("bleeding",
         "dicen que sangrar poquito es normal, pero esto no es poquito: ya empapé cuatro gasas"),
        ("bleeding", "mamá tiene la gasa chorreando, ¿qué hago?"),
        # a superlative
        ("chest_pain", "perdón la molestia, tengo el pecho apretadísimo y sudo frío"),
        # few words; blood running; her pills taken by someone else; every pill
        ("chest_pain", "siento el pecho como una piedra"),
        ("bleeding", "le corre sangre por todo el brazo desde la biopsia"),
        (OVERDOSE, "mi mamá se tomó mis medicinas por error"),
        (OVERDOSE, "pastillas todas. lo siento mucho"),
        # A habit for years beside what is new now; a count said alone.
        ("chest_pain", "sufro de crisis de ansiedad desde hace años pero esto es distinto, el "
                       "pecho me arde sin parar"),
        (OVERDOSE, "mi niña. pastillas de hierro. muchas."),
        # redness gone past the lines, not a time that is over; a caregiver's clinical words
        ("infection", "me drenaron un absceso hace días, hoy tengo 39 de fiebre y lo rojo ya "
                      "pasó las rayas que pintó la enfermera"),
        ("breathing", "mi paciente tiene EPOC y está disneica, saturando 84 con el oxígeno puesto"),
        # nitroglycerin without relief; a wound that opened, gushing; sweats, then chills
        ("chest_pain", "tengo un stent y ya me puse la nitroglicerina tres veces, el dolor sigue "
                       "igual"),
        ("bleeding", "se me abrió la herida al levantar a mi nieta y sale a chorritos"),
        ("infection", "sudo y luego me congelo, y la mama operada está roja y caliente"),
        # never "normal" when asked of herself
        ("breathing", "¿es normal que se me cierre la garganta después del contraste?"),
        # unsure what it means, not whether it happens
        ("infection",
         "no sé si es para tanto: 39.5 de fiebre y el seno de la biopsia rojo y caliente hasta "
         "el brazo"),
        # "estoy que" is a figure for a deed, not for a pain.
        ("chest_pain", "estoy que me muero del dolor en el pecho"),
        ("chest_pain", "tengo angina de pecho ahora mismo y no se me quita"),
        # Paracetamol taken last night still harms, however well she feels this morning.
        (OVERDOSE, "anoche me tomé 20 paracetamoles de 1 gramo. hoy no me duele nada."),
        (OVERDOSE, "me he pinchado dos veces la insulina de la noche"),
        (OVERDOSE, "mi papá se tomó todas sus medicinas de la noche dos veces, está muy dormido"),
        # counting with her what a child took
        (OVERDOSE, "el nene de mi prima agarró las pastillas de la presión de mi papá y se tragó "
                   "unas cuantas, no sabemos cuántas"),
        ("breathing", "no puedo respirar bien, me estoy ahogando"),
        ("chest_pain", "mi esposo se agarró el pecho y está sudado y pálido"),
        ("fainting", "mi mamá se desmayó en la cocina y no reacciona"),
        ("infection", "tengo fiebre de 39.2 y el seno está rojo y caliente desde la biopsia"),
        ("allergic_reaction", "se me hinchan los labios y tengo ronchas por todo el cuerpo"),
        (OVERDOSE, "mi hijo se tomó todo el frasco de pastillas de la abuela"),
        ("general", "me pegué muy fuerte en la cabeza y ya vomité dos veces"),
        (SELF_HARM, "ya no quiero vivir, tengo las pastillas aquí"),
        (SELF_HARM, "pienso estrellarme contra un muro para que se acabe todo"),
        (SELF_HARM, "llevo semanas pensando cómo dejar de estar"),
        (SELF_HARM, "ojalá me duerma y no me despierto más, el frasco está aquí"),
        (SELF_HARM, "ya no aguanto, quiero quitarme de en medio"),
        ("breathing", "mi mamá tiene los labios morados y respira muy rápido"),
        (OVERDOSE, "el niño se tomó las pastillas de mi suegra, no sé cuántas se tomó"),
        ("general", "mi tío se cayó de la escalera y no puede mover las piernas"),
        (SELF_HARM, "no me pregunten más, ya tengo un plan y esta noche me voy"),
        # Someone else's reassurance is not hers; blood that went through to the shirt.
        ("bleeding",
         "ella dice que está bien, pero la gasa se llenó de sangre y ya pasó a la camisa"),
        # An apology is not a condition.
        ("fainting", "perdón si escribo mal, me fui al suelo y no me puedo parar del piso"),
        (OVERDOSE, "tomé cuatro de 800 mg juntas y ahora me duele mucho el estómago"),
        # Spelt by ear: the rules match on the spelling key (bot/nlp/spelling.py).
        ("chest_pain", "tengo un dolol de pexo bien fuelte que me baja al braso"),
        ("general", "a mi tia se le tuerse la voca ahorita y no abla"),
        ("bleeding", "la biopsia me sangra mucho y no para"),
        ("allergic_reaction", "con el antibiótico me salieron bolitas rojas por todo el cuerpo"),
        ("chest_pain", "es como si un elefante se me sentara en el pecho"),
        ("breathing", "no pedo respirar, me ajogo"),
        ("fainting", "mi abuela se cayó y no reaksiona"),
        (OVERDOSE, "mi niño se tragó unas pastias de mi mamá, no sé cuántas"),
        (OVERDOSE, "me tomé como 20 de calcio de un jalón y estoy vomitando"),
        ("general", "a mi papá se le cayó la mitad de la cara, le pasó de repente"),
        ("bleeding", "el vendaje que me dejaron ya está rojo entero"),
        (OVERDOSE, "el nene se comió las gomitas de vitaminas, no sé cuántas, faltan como 20"),
        (OVERDOSE, "me tomé 12 paracetamoles y ahora estoy mareada"),
        (OVERDOSE, "mi nieto se comio las pastiyas de la precion"),
        ("breathing", "se le estan poniendo los labios moraditos"),
        ("fainting", "mi abuelo no rresponde, por mas que lo sacudo no abre"),
        (SELF_HARM, "mañana ya no voi a estar aki, tengo guardadas las pastillas"),
        (SELF_HARM, "Gracias por todo. Esta noche me tomo todas las pastillas que tengo guardadas"),
        # The count holds the pills ("como 15 pastillas"): each counts for its own group.
        (OVERDOSE, "mi mamá se confundió y ya lleva como 15 pastillas de la presión"),
        ("general", "de pronto no siento el brazo y hablo enredado"),
        ("fainting", "mi suegra se desplomó en el baño y no se queda despierta"),
        # A long account of fever and a red breast that ends in "¿es normal?" is happening now.
        ("infection", "desde ayer tengo 38.7 de fiebre y el seno está rojo, hinchado y cada día "
                      "más grande, ¿es normal?"),
        ("bleeding", "la gasa de la biopsia ya está toda empapada y sigue saliendo"),
        ("bleeding", "la venda está empapada de rojo y ya se formó un charquito en el piso"),
        ("fainting", "mi tía está sentada en el sillón, le hablo y no me responde"),
        ("overdose", "me tomé varias de las de dormir con tequila y ahorita me siento muy rara"),
        ("chest_pain", "tengo opresión retroesternal irradiada al brazo izquierdo desde hace "
                       "20 minutos"),
        (SELF_HARM, "ya tengo juntadas las pastillas y hoy me las tomo"),
        ("infection", "tengo fibre y el seno ta rojo y caliente y le sale pu"),
        ("general", "a mi mamá se le durmió el brazo y la boca se le tuerce de repente"),
        ("breathing", "mi tía está aquí conmigo, hace un ruido como un silbido y no le sale "
                      "la voz"),
        (SELF_HARM, "mi mamá dice que mejor se mata antes que la biopsia, está escribiendo "
                    "cartas ahorita"),
        ("bleeding", "la sangre sale y sale de la herida y ya me manché toda"),
        ("bleeding", "la gasa quedó empapada otra vez, ya es la cuarta"),
        ("breathing", "disculpe, estoy respirando bien cortito y no me llena el aire"),
        # Chills with a fever are a symptom, not "me muero de frío" as a figure of speech.
        ("infection", "tengo fiebre, me muero de frío y el seno está caliente y rojo"),
        ("general", "ahorita a mi vecina le están dando ataques, se pone tiesa y echa espuma"),
        ("fainting", "me estoy desvaneciendo, todo se pone negro cuando me levanto"),
        # The last of several faints within the hour is not one long ago.
        ("fainting", "me he desmayado tres veces en la última hora, la última vez me pegué"),
        ("general", "soy diabética, estoy temblando y sudando y el glucómetro marca 38"),
        ("general", "ahorita tengo el lado izquierdo de la cara adormecido"),
        (SELF_HARM, "sigo cortándome desde que me dieron la cita de la biopsia"),
        (SELF_HARM, "estoy pensando en tomarme todo lo que hay en el botiquín"),
        (SELF_HARM, "mi abuela dice que se quiere dejar morir si sale cáncer"),
        (SELF_HARM, "mi esposa me pidió que la ayude a morir si sale maligno"),
        (SELF_HARM, "mi mamá nos mandó un mensaje despidiéndose, dice que no la busquemos"),
        ("bleeding", "la sangre ya traspasó el apósito y la sábana"),
        ("breathing", "me desperté asfixiándome y no consigo coger aire"),
        ("breathing", "ahorita mi tía hace como silbidos y está muy pálida"),
        # A pain that goes down the arm; "no es un decir" takes back no symptom.
        ("chest_pain", "ahorita tengo un dolor apretado que me baja por el brazo"),
        ("chest_pain", "me duele el pecho y no es un decir, se me durmió el brazo"),
        ("fainting", "se me está yendo todo y oigo lejos"),
        ("fainting", "mi mamá está muy dormida y apenas abre los ojos"),
        ("allergic_reaction", "se me está hinchando el párpado y las ronchas se van uniendo"),
        (OVERDOSE, "me tomé como 15 tramadoles y estoy muy dormida"),
        ("general", "tengo la pierna morada y fría desde hace una hora"),
        (SELF_HARM, "me voy a cortar otra vez esta noche"),
        (SELF_HARM, "esta noche se acaba todo para mí"),
        # Pills saved up are a crisis, whatever an overdose's words say.
        (SELF_HARM, "he estado juntando las pastillas para dormir, ya tengo un bote lleno"),
        (SELF_HARM, "mi hermano dijo que si ella se muere él se mata, y ahorita se fue con el "
                    "cuchillo"),
        ("bleeding", "la gasa se sigue llenando de sangre aunque aprieto como me dijeron"),
        ("bleeding", "ya van 4 gasas empapadas y sigue"),
        ("bleeding", "el moretón se está haciendo más grande y más grande"),
        # "Bien" after a verb that cannot be done is no denial; before a state it is "very".
        ("breathing", "mi mamá no puede respirar bien y tiene los labios azules"),
        ("breathing", "me está dando un ataque de asma y no traje el inhalador"),
        (OVERDOSE, "mi papá mezcló pastillas con tequila y no lo puedo despertar bien"),
        ("chest_pain", "tiene un burning en el pecho desde hace media hora"),
        ("allergic_reaction", "después de la lidocaína siente la boca rara y las ronchas se están "
                              "spreading"),
        (OVERDOSE, "ahorita mi abuela se tomó como 20 hydrocodone"),
        (OVERDOSE, "se tomó medio bote de ibuprofen y está vomitando"),
        ("general", "de repente se le cae la boca y empezó a hablar raro"),
        ("general", "no veo nada de un ojo desde hace diez minutos"),
        ("general", "se echó agua hirviendo y la piel se está levantando"),
        ("infection", "la herida está hot to the touch, rojísima, y tengo fiebre de 39"),
        (SELF_HARM, "me corté otra vez anoche"),
        (SELF_HARM, "mi mamá dice que se va a tomar todas sus pastillas si es cáncer"),
        (SELF_HARM, "tengo unas pastillas guardadas y si sale cáncer me las tomo todas"),
        ("bleeding", "estoy sangrando mucho de la herida, no para, ayúdenme"),
        # Soaked through ("se pasó la gasa"), not over ("ya se pasó").
        ("bleeding", "ahorita sangro sin parar y ya se pasó la gasa y la blusa"),
        ("chest_pain", "me está apretando el pecho ahorita y me duele la mandíbula"),
        ("chest_pain", "como si un camión se me parara sobre el pecho, no se quita"),
        ("breathing", "no pue4do respirarr"),
        ("breathing", "no se me llena el pulmón desde hace rato"),
        ("fainting", "ahora cada vez que me paro se me oscurece la vista"),
        ("fainting", "mi tía se puso pálida y se le fue el sentido ahorita"),
        (OVERDOSE, "se tomó como 15 aseta minofen hoy"),
        (SELF_HARM, "tengo pensado tirarme del puente antes de la biopsia"),
        # Pills she had kept back: taken on purpose.
        (SELF_HARM, "me tomé todas las pastillas que tenía guardadas"),
        (SELF_HARM, "cuiden a mis perros, lo siento por todo"),
        # Someone who does not answer has fainted; it is no farewell.
        ("fainting", "mi abuela se desmayó en la cocina y no me contesta"),
        ("bleeding", "se me empapó la blusa de sangre y sigue saliendo"),
        ("breathing", "no respiroo ayuda"),
        ("chest_pain", "me duele el pexo ahorita y el brazo"),
        ("chest_pain", "algo me aprieta el centro del pecho"),
        (OVERDOSE, "mi niña se comió un frasco de vitaminas"),
        (OVERDOSE, "me equivoqué de frasco y me tomé varias"),
        (SELF_HARM, "ya tengo un plan para irme"),
        ("allergic_reaction", "la lengua se me está hinchando desde la inyección"),
        ("fainting", "ahorita se me va la vista cuando me paro"),
        ("bleeding", "la camisa se le llenó de rojo y no para"),
        ("bleeding", "la venda ya se pasó dos veces y me chorrea sangre, no para"),
        ("chest_pain", "mi hermana tiene un peso en el pecho que no se le quita y suda mucho"),
        ("chest_pain", "mi esposo se agarra el centro del pecho ahorita"),
        ("breathing", "siento la garganta como cerrándose, el aire no me pasa bien, hace 10 min"),
        ("fainting", "mi mamá está a punto de desmayarse ahorita"),
        ("fainting", "¿es normal que me esté desmayando? cada vez que me paro todo se pone negro, "
                     "ahorita estoy en el piso"),
        (OVERDOSE, "mi esposo se puso dos veces la insulina y está temblando"),
        (SELF_HARM, "mi abuela le pide a dios que se la lleve esta noche"),
        (SELF_HARM, "mi hermana me mandó un mensaje diciendo adiós y no contesta el teléfono"),
        # A relative with her, a few sentences on; what she tells before "¿es normal?".
        (OVERDOSE, "mi abuela se tomó 8 pastillas de la presión en vez de una. está aquí conmigo"),
        ("fainting", "mi hija se acaba de desmayar aquí cuando vio la aguja y no reacciona bien"),
        ("chest_pain", "ahorita estoy en el piso, estoy bien pálida y sudando, ¿es normal?"),
        ("bleeding", "hace una hora la gasa no deja de llenarse de sangre, ya se pasó a la sábana"),
        ("chest_pain", "ay dios, me está dando algo en el pecho, un dolor que me aplasta"),
        # A question answered by the next sentence; texting shorthand.
        ("chest_pain", "¿es normal que a una le duela el pecho así y se le duerma el brazo? me "
                       "está pasando ahorita"),
        (OVERDOSE, "¿es peligroso tomarse una caja entera de naproxeno? mi tía lo hizo hace dos "
                   "horas, está aquí conmigo"),
        ("fainting", "m acabo d desmayar en la sala d espera"),
        (OVERDOSE, "mi nieto se tomó el jarabe y se lo bebió casi entero, está aquí conmigo"),
        (OVERDOSE, "me tomé dos cajas de ibuprofeno esta tarde"),
        (OVERDOSE, "me he tomado siete de golpe y me noto rarísima"),
        (SELF_HARM, "si la biopsia sale mal, me mato."),
        (OVERDOSE, "mi hermana está aquí y el frasco de clonazepam está vacío"),
        ("bleeding", "está botando sangre sin pará, la sábana está empapá"),
        ("allergic_reaction", "tengo la cara hinchadísima y los ojos casi cerrados"),
        (SELF_HARM, "ojalá no me despierte mañana. todavía tengo aquí todas las pastillas de mi "
                    "papá"),
        (OVERDOSE, "empecé a tomarlas y ya no sé si fueron doce o quince"),
        ("bleeding", "¿es normal que el apósito esté completamente rojo y gotee al suelo? lo he "
                     "cambiado dos veces en media hora y sigue igual"),
        # "no ha parado" says it goes on; "bien alta" is very high, not "está bien".
        ("bleeding", "desde la biopsia me sale sangre y no ha parado, ya empapé dos toallas"),
        ("infection", "tengo fiebre bien alta y el seno rojo e hinchado desde la biopsia"),
        ("fainting", "mi mamá se desvanece en la silla y no se queda despierta"),
        ("fainting", "todo se me está poniendo negro y oigo to lejos, me senté en el piso"),
        # "ya se pasó de la raya": the redness has spread past the line, nothing is over.
        ("infection", "marqué la mancha roja hace dos horas y ya se pasó de la raya, tengo 39 de "
                      "fiebre"),
        ("breathing", "desde hace diez minutos el pecho no se me abre y respiro cortito"),
        # Redness that spread "para abajo"; bit by bit is no "un poquito"; "ya van" pills.
        ("infection", "tengo 39 de fiebre y lo rojo ya se pasó para el otro lado del seno"),
        ("breathing", "se me cierra la garganta poco a poco desde que me pusieron el contraste"),
        (OVERDOSE, "tomando paracetamol toda la noche, ya van como 12 y me duele la panza"),
        ("fainting", "me he caído redonda en el baño y no me puedo parar"),
        # Someone else's pills with signs now, in another sentence.
        (OVERDOSE, "mi abuelo se tomó diez pastillas de warfarina. le está sangrando la nariz."),
        ("breathing", "mi tía está boqueando como un pez y se está poniendo morada"),
        ("allergic_reaction", "empecé la penicilina y tengo los labios inflamadísimos"),
        # The perfect tense of Spain; waking her fails; redness "como tres dedos" past the line.
        ("fainting", "mi hermana se ha desplomado en el salón y no consigo despertarla"),
        ("fainting", "he perdido el conocimiento en la ducha hace un momento"),
        ("fainting", "a mi abuela se le van los ojos para atrás y no contesta"),
        ("infection", "tengo 39 de fiebre y lo rojo ya se pasó como dos dedos de la línea"),
        # Colombian "se desgonzó"; gasping "jalando aire"; a month's tablets; a syrup bottle.
        ("fainting", "mi abuela se desgonzó en la sala y no vuelve en sí"),
        ("breathing", "mi mamá está jalando aire con la boca abierta desde hace rato"),
        (OVERDOSE, "mi papá se tomó la warfarina de todo el mes de una vez"),
        (OVERDOSE, "el niño se bebió medio pomo de jarabe de paracetamol"),
        (OVERDOSE, "mi nieto se comió unas pastillitas de hierro, eran como 8 o 9"),
        # Out again, with the writer; a light that goes out; an inhaler that does nothing.
        ("fainting", "acompañé a mi prima a la clínica y se volvió a desmayar en el pasillo"),
        ("fainting", "cada vez que me paro se me apaga todo y estoy tirada en el piso"),
        ("breathing", "el inhalador no me hace nada y sigo con el pecho cerrado, silbando"),
        ("breathing", "volviendo del hospital mi tía se empezó a ahogar y está morada"),
        ("breathing", "mi abuela no puede terminar una frase sin parar a respirar"),
        # Two quiet signs: pills hoarded for weeks and "everything is done".
        (SELF_HARM, "mi hermana lleva meses juntándolas y hoy me dijo que ya está todo hecho"),
        ("bleeding", "desde la biopsia el seno se hinchó al doble y está duro y morado"),
        (OVERDOSE, "mi papá se inyectó la insulina dos veces por error y está sudando frío"),
        ("infection", "tengo 39.5, escalofríos y la mama roja y caliente, biopsia el lunes pasado"),
        ("bleeding", "mi mamá ya empapó cuatro toallas con la sangre de la biopsia"),
        (SELF_HARM, "dejé la insulina a propósito, para que diosito me recoja pronto"),
        # Two quiet signs: asking the family not to quarrel over the house, then the phone off.
        (SELF_HARM, "mi tía nos pidió que no nos peleemos por la casa y luego apagó el celular"),
        # Fumes from a running engine in a closed garage, and a goodbye.
        (SELF_HARM, "mi hermana está en el garaje con el motor prendido, pide que la perdonemos"),
        ("breathing", "no pude respirar bien en toda la tarde y sigo igual ahorita"),
        # A day chosen, and nothing mattering after it.
        (SELF_HARM, "ya escogí la fecha. después de eso ya no importa lo que diga la biopsia"),
        # Sight going dark now; her pills, all of them; a blister pack found empty.
        ("fainting", "ay no, se me apaga la vista, no veo casi nada"),
        ("overdose", "mi nieto se tragó mis pastillas de la presión, todas"),
        ("overdose", "encontré el frasco de su insulina vacío y él no contesta bien"),
        ("overdose", "mi papá se inyectó la pluma entera de insulina y está sudando frío"),
        # At each try now, not a habit.
        ("breathing", "cada vez que intento hablar me quedo sin aire desde hace rato"),
        # Each time she lies down, now; nails gone grey.
        ("breathing", "si me acuesto me ahogo y tengo las uñas grisitas"),
        # Since yesterday and still going on; the redness has spread past the line she drew.
        ("infection", "tengo calentura desde anoche y el pecho rojo y caliente, ya se pasó de la "
                      "rayita que le hice"),
        # cannot be woken properly: "bien" is how, not "she is fine"
        ("fainting", "mi papá está en el sillón y no hay quien lo despierte bien, ronca raro"),
        # a syrup by the spoonful for a baby dosed in drops
        ("overdose", "a mi niña de un año le di dos cucharadas de paracetamol en vez de las "
                     "gotas y está muy dormida"),
        # the infinitive with its pronoun
        ("overdose", "acabo de tomarme 12 clonazepam y estoy sola"),
        # a stroke, a seizure and a head injury told without their names
        ("general", "estoy con mi mamá y de repente se le cayó un lado de la cara"),
        ("general", "escribo con una mano porque la otra no me hace caso y no me salen las "
                    "palabras"),
        ("general", "tengo media cara dormida desde hace un rato y se me traban las palabras"),
        ("general", "mi abuela acaba de tener otro ataque y no volvió en sí"),
        ("general", "se pegó en la cabeza y ahora no nos reconoce"),
        ("bleeding", "me corté cocinando, aprieto un trapo y ya está rojo entero y gotea"),
        ("breathing", "no logro llenar los pulmones y el inhalador no hace nada"),
        # a painless way asked about, and the last straw
        ("self_harm", "¿cómo puedo irme sin dolor? ya no aguanto"),
        ("self_harm", "es la gota que colma el vaso, ya tengo las pastillas contadas"),
        # time gone by, not the bleeding over
        ("bleeding", "no, ya pasó una hora y sigue sangrando mucho"),
        ("general", "de repente no veo nada por el ojo derecho, como una persiana negra"),
        ("general", "a mi tía se le durmió todo el lado derecho ahorita"),
        ("general", "mi papá se ha dado en la cabeza y no se acuerda de nada"),
        ("general", "mi viejo tuvo una convulsión y le vino otra sin despertarse de la primera"),
        ("bleeding", "vamos para la guardia, empezó a sangrarle a chorro por la herida"),
        ("overdose", "mi nieta ha mordido el parche de fentanilo de su abuela y está muy dormida"),
        ("overdose", "mi padre se tomó la digoxina de hoy, la de mañana y la de pasado y está "
                     "vomitando"),
        ("overdose", "me inyecte la insulina dos veces!! estoy temblando"),
        # the first time ever is now
        ("general", "lleva cinco minutos con convulsiones, es la primera vez en su vida"),
        ("general", "tengo 38 de glucosa y estoy temblando"),
        ("general", "mi suegra empezó a hablar enredado y se le cayó el tenedor de la mano"),
        ("overdose", "le di al bebé el jarabe en cucharadas en vez de mililitros"),
        # blue lips, and panting at rest
        ("breathing", "ahorita se le pusieron a mi abuela los labios amoratados, ¿la abrigo?"),
        ("breathing", "mi tía jadea acostada en el sofá y no termina de contestarme"),
        # the middle of the chest, a Caribbean bottle and a dropped r, an apology for the writing
        ("chest_pain", "me está doliendo en el centro del pecho desde hace rato"),
        ("overdose", "mi hijo se comió el pote entero de vitaminas de hierro"),
        ("fainting", "mi abuela ta aquí conmigo y no la puedo despertá"),
        ("fainting", "disculpe si no se entiende, me estoy desvaneciendo"),
        # told now by someone far away; a period like never before on a blood thinner
        ("bleeding", "mi prima me escribe que se le llenó la camiseta de sangre por la herida"),
        ("bleeding", "tomo sintrom y tengo la regla como nunca, empapo una toalla cada media hora"),
        ("infection", "mi madre tiene frío pero está ardiendo y la herida de la biopsia huele feo"),
        # clinical words of a carer or a formal writer
        ("bleeding", "sangrado activo por la punción y hematoma en expansión"),
        ("infection", "eritema y calor local en la mama biopsiada, 39,5 °C"),
        ("self_harm", "tengo ideación autolítica, ya elegí la fecha"),
        # blood through the shirt, redness past the line, a what-if answered by the next sentence
        ("bleeding", "aprieto y no para, la sangre ya me pasó la camiseta"),
        ("infection", "marqué el borde rojo de la herida y ya se pasó la línea, tengo 38,7 y "
                      "escalofríos"),
        ("chest_pain", "¿qué se hace si a alguien le aprieta el pecho? mi papá se quedó así en el "
                       "sillón"),
        # one of them, not anyone
        ("overdose", "uno de mis nietos se tragó 10 pastillas de mi presión"),
        # choking, another patient's medicines, harm done on purpose
        ("breathing", "mi abuela se atoró con un pedazo de carne, no tose, no habla"),
        ("breathing", "se está atragantando con un caramelo, ayuda"),
        ("overdose", "por error le dimos la medicación de otra residente, cuesta despertarla"),
        ("self_harm", "me hago daño a propósito en la herida para sentir otra cosa"),
        ("fainting", "se me va la cabeza, me tumbo en el suelo porque me voy"),
        ("breathing", "se echó el inhalador cuatro veces, apenas puede decir una palabra"),
        ("breathing", "mi mamá tiene las uñas azulosas y respira con la boca abierta"),
        # short and typed in a hurry
        ("fainting", "mi señora se desmayó en el auto y no vuelve"),
        ("chest_pain", "DOLOR FUERTE PECHO NO PUEDO"),
        ("allergic_reaction", "se me hincha la garganta dsp d la anestesia"),
        ("allergic_reaction", "me puse la crema q me dieron y se me cierra el cuello"),
        # a pill under the tongue that did not take the pain away
        ("chest_pain", "ahorita tengo un peso en el pecho que me baja al brazo, me puse la "
                       "pastillita debajo de la lengua y no se me quitó"),
        # soaking through, asked as if it were normal
        ("bleeding", "¿es normal que la sangre traspase la gasa y el sostén? llevo una hora así"),
        ("fainting", "mi abuela se desmaya y se desmaya, acá en casa"),
        ("fainting", "hablaba con ella por teléfono, me dijo que se caía y ya no contesta"),
        # an attack now, with asthma known; the reliever that does nothing
        ("breathing", "soy asmática y me ha dado una crisis, no puedo ni terminar una frase"),
        ("breathing", "me eché la bomba cuatro veces y no me hace nada"),
        ("self_harm", "mi prima se está rayando las piernas con una cuchilla"),
        ("self_harm", "me golpeo la cabeza contra la pared, lo hago a propósito"),
        ("self_harm", "mira, ya está arañando los brazos hasta sacarse sangre"),
        ("self_harm", "cuántas pastillas de dormir son demasiadas? lo pregunto por si sale cáncer"),
        # a care home: another bed's medicines; a resident who has stopped answering today
        ("overdose", "a mi mamá le dieron las pastillas de la cama 2 y ahora está muy dormida"),
        ("fainting", "la señora de la habitación 3 se ha quedado en el sillón sin reaccionar"),
        # a strong urge to cut herself, told as a feeling
        ("self_harm", "me vienen unas ganas muy fuertes de cortarme el brazo otra vez"),
        # oxygen low in the words of a nurse; cuts made last night; a pill taken twice
        ("breathing", "estoy saturando 85 y no termino una frase"),
        ("self_harm", "anoche me hice unos cortes en la pierna"),
        ("overdose", "me he tomado la pastilla de la tensión dos veces, no me acordaba."),
        # old words for a bleed; a basin of soaked gauze
        ("bleeding", "desde la biopsia me mana sangre del pecho y no hay manera"),
        ("bleeding", "ya hemos llenado un cubo de gasas esta tarde"),
        # a roommate's medicines given; a spreading cellulitis with a fever; following her in death
        ("overdose", "en la residencia le dieron a mi padre las pastillas de su compañero"),
        ("infection", "le han dicho que es celulitis y ahora tiene 39,5 y tiembla"),
        ("self_harm", "mamá, si te pasa algo yo me voy detrás de ti, te lo juro"),
        ("fainting", "mi tía se desmaya otra vez, ya es la segunda en media hora"),
        # on the phone: a thud, then nothing; blood that keeps coming under her hand
        ("fainting", "mi abuela estaba al teléfono conmigo, se escuchó un golpe, ya no "
                     "responde y la llamo y nada"),
        ("bleeding", "desde la biopsia me sale y me sale, tengo la mano dormida de tanto apretar"),
        ("self_harm", "dice que si sale maligno se adentra en el río y no vuelve"),
        # a dressing that drips on the floor while the breast swells
        ("bleeding", "ahora mismo el apósito gotea y caen gotas al suelo, el pecho cada vez "
                     "más gordo"),
        # a week's or a month's doses of one medicine taken at once
        ("overdose", "por un lío con el pastillero mi padre se ha tomado la dosis de todo el mes "
                     "del anticoagulante"),
        # a dose asked for a quick death
        ("self_harm", "dime cuántas me tomo para que sea rápido, ya las tengo aquí"),
        # every pill, named before
        ("overdose", "mi tío se las tragó todas y ahora está muy dormido"),
        ("general", "a mi abuela se le ve medio cuerpo caído desde hace un rato"),
        ("breathing", "se atragantó con un caramelo y se está poniendo morada"),
        # her own case, not a class's
        ("fainting", "el caso de mi tía es que se desmayó en el pasillo y no despierta"),
        # the past, then the same thing here again
        ("chest_pain", "el año pasado me dio un infarto y tengo el mismo dolor de pecho"),
        # the first time, said at the end of the message; every pill at one go
        ("breathing", "perdón la hora, no puedo respirar, nunca me había pasado algo así antes"),
        ("overdose", "mi papá encontró mis pastillas y se tomó todas de una vez"),
        # the chest named after the arm; much of a named medicine taken; taking it, done
        ("chest_pain", "ahorita me duele el hombro y el pecho"),
        ("overdose", "anoche me tragué muchas aspirinas"),
        ("overdose", "¿es grave haberme tragado el blíster entero de clonazepam?"),
        # how strong it is as she writes
        ("allergic_reaction", "¿es normal que tenga la lengua así de hinchada?"),
        # what worries her is what is happening
        ("bleeding", "lo que más me preocupa es que me estoy desangrando por la herida"),
        # now the same as a heart attack of years ago; someone with her now
        ("chest_pain", "es igualito a cuando me dio el infarto hace cinco años"),
        ("overdose", "mi vecina está conmigo, dice que se tomó todas las pastillas para dormir"),
        # today likened to a past time: the year is the likeness's
        ("breathing", "me está pasando igual que en 2021: la lengua hinchada y no puedo tragar"),
        ("bleeding", "sangra y sangra, empapé tres toallas, igualito que la vez pasada cuando me "
                     "tuvieron que coser"),
        # a battery swallowed
        ("general", "el bebé se tragó la pila redonda de la báscula"),
        ("overdose", "mi suegro bebió anticongelante de una botella de refresco"),
        # "no es que" denies only the word right after it
        ("breathing", "no es que exagere no puedo respirar"),
    ],
)
def test_spanish_emergencies_are_certain(spanish: SpanishSafety, kind: str, text: str) -> None:
    assert spanish.detect(text) == Finding(kind, True)


@pytest.mark.parametrize(
    "text",
    [
        "me muero de ganas de saber qué significan las calcificaciones",
        # a day counted since the biopsy
        "hoy es el día 3 y ya no sangra nada, ¿me puedo duchar?",
        "me quiero morir de la alegría, salió benigno",
        "estoy que me tiro por la ventana con tanto papeleo",
        "la vecina no respira raro ni nada, solo le da pánico el aparato",
        "esta sala de espera me tiene al borde del infarto",
        "mi mamá está cansada de vivir con tanto miedo, pero va a ir a todas sus citas",
        "ayer me tomé 2 orfidales en vez de 1 y hoy estoy perfecta",
        # A chat's sign-off, not a goodbye.
        "ya me despido, muchas gracias por la ayuda",
        "la espera me está matando, ¿cuándo llegan los resultados?",
        "no tengo fiebre ni sangrado, solo quiero saber qué son",
        "mi tía tuvo un infarto hace años, ¿eso tiene que ver con el calcio?",
        "¿qué son las calcificaciones del seno?",
        "tengo un plan de seguro médico, ¿cubre la biopsia?",
        "me quedé sin aire cuando vi el resultado, ¿qué es birads 3?",
        "me quedé helada, sin aire, cuando la técnica dijo que había que repetir, pero ya me calmé",
        "el año pasado me llevaron en ambulancia por una alergia, ¿usan lidocaína en la biopsia?",
        "el precio de la resonancia me dejó sin aire, ¿hay otra opción más barata?",
        "¿la mamografía duele mucho? ¿sangra mucho?",
        "me desangro con los precios de la clínica, ¿hay mamografías gratis?",
        "el sábado se me abre la herida, voy a urgencias y me ponen dos puntos. ya estoy mejor",
        # One past event told at length, and a double dose taken by mistake a month ago.
        "hace tres años, tras una biopsia, se me infectó el seno y terminé en urgencias con fiebre "
        "de 39.5. ya estoy bien. ¿cómo es la biopsia estereotáctica?",
        "hace un mes me tomé sin querer doble dosis de calcio, ¿cuánto es lo recomendado?",
        "esta noche estoy escribiendo cartas de navidad, ¿qué son las calcificaciones?",
        "tengo 37,2 de temperatura y la herida de la biopsia está un poco roja, ¿es normal?",
        "de chiquita casi me ahogo con una alergia al maní, ¿usan látex en la biopsia?",
        "me va a dar un infarto con lo que cuesta la biopsia",
        "me late el corazón a mil nomás de pensar en la aguja, ¿duele?",
        "tengo un dolorcito leve en el pecho donde me pusieron la aguja, ¿es normal?",
        "tengo el alma en un hilo esperando los resultados",
        "se me hace un nudo en la garganta cuando pienso en la biopsia",
        "no me tomé nada de más, ¿sigo con mis pastillas de calcio?",
        "el año pasao me intoxiqué con paracetamol sin querer, ¿lo puedo tomar después?",
        "estoy que me desmayo del hambre, ¿hay que ir en ayunas?",
        "hace un mes tuve fiebre después de la biopsia y fui a urgencias; ya estoy bien",
        "¿la biopsia deja cicatriz? ¿y sangra mucho?",
        "ase tiempo me tomé pastillas de más sin querer, ya estoy bien",
        "ay me desmayo, ¿otra mamografía?",
        "¿la biopsia de seno sangra mucho?",
        "antes tomaba muchas pastillas de calcio, como 4 al día",
        "¿dolor de pecho? no, nada. ¿las calcificaciones son del corazón?",
        "cuando vi la cuenta casi me quedo sin aire",
        "hace mucho tuve una reacción al contraste, me salieron ronchas",
        "en mi biopsia de 2021 me desmayé, ¿me pasará otra vez?",
        "hace tres años no podía respirar, era el asma",
        # Dated by the sentence after it.
        "después de mi parto tuve mastitis con fiebre y el pecho rojo. eso fue hace 20 años.",
        "me sangra el alma de pensar en otra biopsia",
        "esta espera me tiene sin aire, no duermo",
        "cero sangre, cero fiebre, la herida cerró bonito",
        "no es dolor de pecho tipo infarto, es como un pellizco cuando me muevo",
        "me arde horrible el pecho, pero son las agruras de tanto café",
        "estoy que me da un infarto cada vez que suena el teléfono",
        "me estoy ahogando en dudas: ¿las microcalcificaciones se quitan solas?",
        "me ahogo entre tanto papeleo del seguro",
        "con tanto trámite del seguro me ahogo en burocracia",
        "tengo el pecho un poco adolorido desde la mamografía",
        "anoche me faltaba el aire por los nervios, pero se me pasó en diez minutos",
        "¿la biopsia estereotáctica duele mucho? ¿sangra?",
        "me estoy desangrando... pero en la farmacia, con tanto estudio",
        # laughed off
        "la mamografía me dejó sin aliento de tanto apretar, ja ja",
        # a language she does not speak, not slurred speech; a fever that is over
        "mi abuela no habla bien inglés, ¿puedo ir con ella a la biopsia?",
        "tuve fiebre y el seno rojo la semana pasada pero ya se pasó.",
        "con tanto trabajo no tengo tiempo ni para respirar, ¿la biopsia es rápida?",
        # someone else, already seen to; a question about what the clinic keeps
        "un señor se desmayó en la fila (ya lo atendieron y se fue caminando), ¿eso es común?",
        "¿tienen epinefrina en la sala por si alguien reacciona al contraste?",
        # out of place, not gasping
        "en la sala de espera me sentí como pez fuera del agua, ¿es normal tanta gente?",
        # taking her temperature is no fever
        "hoy tengo 36.8 y la herida se ve bien, ¿me tomo la temperatura otra vez en la noche?",
        # care given at the ER, long ago
        "hace dos años me atendieron en urgencias por una alergia, ¿tengo que avisar antes?",
        # a scare taken back in the same breath
        "se me manchó la gasa de rojo... ah no, es el yodo, ¿cuándo me puedo bañar?",
        "sentí la garganta cerrada pero ya tosí, era el agua, ¿el calcio va con comida?",
        "mi tía dice que le duele el pecho... ya se está riendo, era broma, ¿y los resultados?",
        # already taken to hospital by someone else
        "a mi mamá le dio fiebre con el seno rojo y mi hermana ya la llevó al hospital",
        # she takes it twice a day: a dose, not an overdose
        "me tomo el calcio dos veces al día, ¿está bien antes de la mamografía?",
        # an ER visit last year, over
        "el año pasado, en la revisión, me dio un mareo en la sala de espera de la clínica y "
        "como tardaba en pasarse me mandaron a urgencias, ¿puedo ir sola esta vez?",
        "tuve fiebre y el seno rojo desde el lunes pero ya se me pasó, ¿es normal?",
        # whether to go, asked; the wound left to the air; the machine's compression; a
        # temperature taken
        "¿y si me sale sangre en la noche? ¿la tapo, le pongo hielo, voy a urgencias?",
        "se me despegó la curita y la herida está cerrada, ¿la dejo al aire?",
        "la técnica me tuvo con el pecho aplastado en la máquina un buen rato, ¿es normal?",
        # figures of money, sleep, stairs and heat
        "me estoy desangrando en gastos con tanto estudio, ¿la biopsia la cubre el seguro?",
        "me estoy desmayando de sueño con el bebé, ¿puedo hacerme la mamografía dando pecho?",
        "me quedé sin aire subiendo las escaleras del hospital, ya arriba bien, ¿dónde es rayos x?",
        "voy sin aire acondicionado en el camión y me muero de calor, ¿llevo las placas viejas?",
        "¿las calcificaciones causan dolor en el pecho?",
        # calcium put by until the results
        "tengo guardadas las pastillas de calcio hasta saber el resultado, ¿hago bien?",
        # embarrassment
        # a bill
        "casi me infarto con el cobro de la ambulancia del año pasado, ¿la biopsia sale igual de "
        "cara?",
        "ay no, me quiero morir, dejé los papeles de la biopsia en el carro 🤦‍♀️",
        # the day's dose
        "ya me tomé todas mis pastillas de la noche, ¿puedo desayunar antes de la mamografía?",
        "me he tomado la temperatura por si acaso y marca 37,1, la biopsia fue el martes",
        # said of her by someone who finds her dramatic; a plaster; a fainting spell foretold
        "mi hermana se ríe de mí porque por todo me quiero morir, ¿cuándo llaman?",
        "le cambié la tirita y no tiene ni fiebre ni nada, ¿cuándo se la quito?",
        "con tanta cola en la clínica me va a dar un telele, ¿atienden sin cita?",
        # kept for observation back then
        "mi cuñada se desmayó en su biopsia y no la dejaron irse como en 2 horas. ¿a todas?",
        "ya me despedí de mis miedos y lo dejé en manos de Dios 🙏 ¿qué llevo a la biopsia?",
        # the doubt she cannot live with, not life
        "ya no quiero vivir con tanta incertidumbre, ¿me llaman hoy con el resultado?",
        "la cuenta del hospital me va a dar un paro cardíaco, ¿cuánto cuesta la biopsia?",
        "ya me despedí de todos en la oficina porque me voy de vacaciones, ¿llegan antes los "
        "resultados?",
        # an instruction repeated, and a choice asked about
        "la técnica me dijo que apriete, y si no para, a urgencias. ¿cuánto tiempo aprieto?",
        "¿aprieto fuerte o voy directamente a urgencias?",
        # the ER named as a job, a course, or where to go some day
        "mi hija es enfermera de urgencias y dice que no me preocupe, ¿tiene razón?",
        "hoy en el trabajo practicamos RCP con un muñeco, ¿la biopsia duele?",
        "¿cuándo hay que ir a urgencias después de la biopsia?",
        # a scare taken back in the next burst, and a bill
        "me ahogo\n...\nah no, ya pasó, fue el susto del sobre jaja",
        "socorro, se me cayó el apósito\n...\nvale, ya está. está seco",
        "me quiero morir!! me cobraron la biopsia dos veces",
        "me va a dar un ictus con tanta espera, ¿cuándo sale el resultado?",
        "la dosis letal de la cafeína cuál es? jaja estudio con 5 cafés",
        "mi marido dice que soy una emergencia andante, ¿agrupadas es malo?",
        "mi mamá llora como si me hubiera llevado la ambulancia, ¿cómo le explico?",
        # a dose, in the present
        "me inyecto la insulina dos veces. ¿puedo hacerme la biopsia?",
        "estoy que convulsiono de los nervios esperando el informe",
        "el papeleo me va a provocar un derrame cerebral, ¿necesito orden?",
        "me tomé la pastilla de calcio dos veces hoy por despiste, ¿pasa algo?",
        # trembling with fear, not shaking chills
        "tiemblo de nervios nada más de pensar en la biopsia del lunes",
        # suspense, a threat of fainting, a wish said of shame, a pet
        "me muero de la intriga por el resultado",
        "me desmayo si me dicen que hay que repetirla",
        "me quiero morir pero de la vergüenza, lloré en la mamografía",
        "mi perrita respira raro, ¿puedo cambiar la cita?",
        # someone else's mistaken belief, asked only to know, a doctor who does not answer
        "mi marido se cree que me he desmayado, pero solo me senté un rato",
        "¿la biopsia sangra mucho? Por saber, no porque me esté pasando.",
        "llevo una semana llamando y la doctora no contesta, ¿es normal?",
        "me voy a desmayar del embole en esta fila, ¿se puede pedir turno por la web?",
        # a thing that "killed" her, a cost that pains her, the door's name, a question of how
        # much, bleeding that stopped
        "la mamografía me mató, me apretaron muchísimo, ¿es normal que moleste?",
        "me duele en el alma pagar el estacionamiento, ¿no tienen convenio?",
        "¿la entrada es por emergency room o por el lobby?",
        "¿cuánta fiebre es para preocuparse después de la biopsia?",
        "anoche sangró bastante pero apreté 15 minutos y paró, hoy está seca",
        # "alma" has the spelling key of "arma"; a specialist who does not answer
        "se me fue el alma a los pies cuando sonó el teléfono, ¿puedo llevar acompañante?",
        "¿suspendo los anticoagulantes antes de la biopsia? mi cardiólogo no contesta",
        "casi me infarto con la factura, ¿cobran aparte las placas?",
        "me tomé dos paracetamoles en vez de uno sin querer, ¿pasa algo?",
        # "rayarse" said of worrying; enough of biopsies; a word that sounds bad
        "me estoy rayando con la espera de los resultados",
        "el día que decida que ya está bien de biopsias le pido el alta",
        "dice necrosis en el informe, suena como que algo se está muriendo",
        "me di con la puerta en el brazo, no fue a propósito",
        "me voy a matar con esta aplicación, no me deja pedir cita",
        # a dose, not a fever; a bleed that stopped after some minutes; a haircut
        "tomo aspirina de 81 para el corazón, ¿la dejo antes de la biopsia? la herida está "
        "un poco roja",
        "ayer la herida sangró bastante pero con hielo se paró a los diez minutos",
        "tengo ganas de cortarme el pelo antes de la cita",
        "me voy a desmayar cuando abra la factura del hospital",
        "en el control del aeropuerto me miraron como si llevara una pistola por el clip",
        "me hice un corte en el dedo cocinando",
        "me tomo la pastilla de la tensión dos veces al día",
        "me quiero morir de lo aburrido que está la sala de espera",
        # kept out of reach; counted, not taken
        "las vitaminas de los niños las tengo guardadas arriba del refri",
        "revisé todas las pastillas de mi papá y no falta ninguna",
        # what the emergency room charges; the number asked for
        "la emergencia cobra un dineral y no tengo seguro, ¿mejor voy a mi clínica?",
        "teléfono emergencia, ¿cuál es aquí?",
        "me acabo de mudar a Texas, ¿aquí es el 911 verdad?",
        "mejor me muero de hambre que volver a comer en esa cafetería",
        "esta molestia no se parece en nada, no es como cuando me dio el infarto en 2018",
        "ya me puse las pilas y pedí la cita para la biopsia",
        "tomé café y luego limpié el baño con cloro, ¿me puedo bañar antes de la mamografía?",
        # "como" as "since", heading the sentence
        "Como el año pasado me dio reacción al contraste y se me cerró la garganta, ¿qué hago "
        "esta vez?",
        # what it is not, told first; which number, asked; a report not understood; paperwork
        "no es que no pueda respirar, es que me pongo nerviosa con las agujas",
        "¿y aquí en Miami es 911 para cualquier cosa?",
        "ayudaaa, no entiendo el informe de la mamografía",
        "me quiero morir con tanto trámite de la aseguradora",
        # a trip to the ER she made; which number, asked; none of the pills missing
        "sangré un poco y fui a emergency, me pusieron un vendaje nuevo, ¿cuándo me lo quito?",
        "¿hay otro número para pedir ambulancia o todo es el 911?",
        "mi nieto abrió el bote de vitaminas pero están todas las pastillas, las conté dos veces",
    ],
)
def test_figures_of_speech_denials_and_the_past_raise_nothing(
    spanish: SpanishSafety, text: str
) -> None:
    assert spanish.detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "¿qué pasa si sangro mucho después de la biopsia?",
        "a una vecina le dio fiebre después de su biopsia, ¿eso es común?",
        "¿una biopsia puede causar desmayos?",
        "si sangra mucho, ¿voy a urgencias o llamo al consultorio?",
        "si empiezo a sangrar mucho, ¿aprieto y espero o me voy directo a emergencia?",
        "el folleto dice 'acuda a urgencias si se hincha mucho' y me asusté al leerlo",
        "¿los suplementos de calcio causan dolor de pecho?",
        "¿la biopsia con aguja sangra mucho?",
        "duda: ¿cuánto sangrado es mucho después de una biopsia?",
        "¿las mujeres podemos tomar demasiado calcio sin darnos cuenta?",
        "el lunes me sangró mucho la herida, pero ya paró desde el martes y está sanando",
        "¿cuántas pastillas de calcio es demasiado? tomo dos al día",
        "¿una sobredosis de vitamina D puede formar calcificaciones?",
        "¿qué síntomas después de la biopsia son una emergencia?",
        "cuantas pastillas de calcio ya son sobredosis?",
        "¿cuáles son las señales de una infección para ir a urgencias?",
        "si sangro mucho de noche, ¿a quién llamo, a ustedes o a urgencias?",
        "el doctor dice que deje la aspirina porque puedo sangrar mucho",
        "si sangra mucho, ¿voy a urgencias o les llamo a ustedes?",
        "¿qué pasa si en la resonancia siento que no puedo respirar?",
        "¿y si en la biopsia me da un ataque de pánico y no puedo respirar?",
        "¿la anestesia le da alergia a mucha gente?",
        "me desmayo con las agujas, ¿me pueden acostar para la biopsia?",
        "fiebre después de biopsia = malo?",
        "¿se puede sangrar mucho con una aguja fina?",
        "¿el calcio en las arterias tiene que ver con los infartos?",
        "¿el calcio de las arterias que causan infartos es igual al del seno?",
        "tengo angina de pecho y mi cardiólogo dice que no me agobie, ¿y si me da dolor en el "
        "pecho durante la mamografía?",
        "mi vecina se desmayó en su biopsia la semana pasada y ahora me da miedo",
        "mi hermana está internada porque sangró mucho, ya la están atendiendo",
        "mi papá está internado, ya lo están atendiendo porque le dolía el pecho",
        "¿una sobredosis de calcio puede hacer que salgan más manchitas en la mamografía?",
        "mi suegra, que vive en ponce, siempre dice que le falta el aire cuando se pone nerviosa, "
        "y ahora está nerviosa",
        "me sangra un poco la herida, ¿es normal?",
        "me pican unas ronchitas pequeñas solo ahí, respiro normal",
        "mi hija insiste en que vaya a emergencia hoy mismo por el moretón",
        # a worry, not an event
        "no quiero que mi mamá tome una sobredosis de calcio sin saberlo",
        # when to go, asked ahead of time
        "¿cómo sé cuándo ir a urgencias después de la biopsia?",
        "quiero saber cuándo sí ir a urgencias si me sube la fiebre",
        "si me da fiebre, ¿cuánto se considera alta para ir a urgencias?",
        "pensé que era escalofrío de infección pero tenía 36.4, el aire estaba fuerte",
        # from how many, asked in general
        "¿cuánta vitamina D es mucho? a partir de cuántas gotas ya es sobredosis",
        "mi madre tomaba calcio y tuvo angina de pecho, ¿tiene que ver?",
        "si sangra en casa, ¿a partir de cuándo tendría que ir a urgencias?",
        # a habit, not now
        "cada vez que le sacan sangre a mi tía le da un soponcio, ¿es normal?",
        # a fever asked about, answered by the reading in the next burst
        "creo que tengo fiebre\n...\nno, ya me la tomé: 36,8. era la cobija",
        # read about
        "leí sobre ictus y anticonceptivos, ¿la píldora afecta a la mamografía?",
        # a bruise's pain
        "me duele el pecho como si me hubieran dado un golpe desde la biopsia",
        "¿podría darse el caso de que me diera una reacción alérgica al contraste?",
        # it has not happened again, whatever "no vuelve" says alone
        "se desmayó una vez en la biopsia y no vuelve a pasar, ¿verdad?",
        # Spanglish: the question or the denial in English
        "When should I call 911 vs la nurse line después del procedimiento?",
        "I'm not suicidal ni nada de eso, pero estoy bien estresada",
        # which number to call, asked
        "¿llamo al 911 o voy directo a urgencias si me da fiebre?",
        "si la herida sangra y no para de noche, ¿les llamo a ustedes o al 911?",
        "si me da fiebre a quién llamo, ¿a ustedes o al 911 directamente?",
        "¿cuáles son los síntomas después de la mamografía con los que de verdad hay que ir "
        "a emergencias?",
        "si esta tarde le sangra mucho la herida y no para, ¿qué hacemos?",
        "si le cuesta respirar, ¿llamo a la enfermera o directamente al 911?",
        # text-speak "q", spoken "pa"
        "en q momento se marca al 911 por la herida?",
        "qué tanta fiebre ya es como pa ir corriendo a emergencia?",
        # a case for a class
        "caso clínico del seminario: señora de 80 con sat 86% tras la biopsia, ¿qué haríais?",
        "en el supuesto caso de que me duela el pecho después, ¿es por la aguja?",
        # a relative far away, whoever is with her
        "mi suegra en guatemala tiene dolor de pecho desde la mañana y no quiere ir al médico",
        # a question inside the sentence
        "oye, ¿hasta cuándo es normal sangrar? o sea cuánto sangrado es mucho",
        # a fear of what may come
        "lo que me preocupa es que me vaya a dar un infarto en la camilla",
        # any emergency, at the head of a sentence
        "En una emergencia, ¿a quién llamo primero, al 911 o a la clínica?",
        # where to go, asked; a call some day; which number it is
        "la biopsia es el martes. ¿voy a emergencia o la llamo a usted si me da fiebre?",
        "apunto las señales para saber si algún día hay que llamar al 911",
        "en mi país era otro número y no me acuerdo si aquí es el 911",
        # the number asked for, not dialled
        "¿cuál es el número de urgencias en este país, es el 911 como en México?",
        # what a text is about
        "vi un video que habla de infartos por tomar calcio",
        # a callback again is no sign of now
        "a una amiga se le fue la mano con las pastillas, qué pena. A mí me citaron otra vez "
        "para otra mamografía, ¿es normal?",
        # the news
        ("vi en las noticias que una niña se tragó un imán, ¿los imanes del brasier afectan la "
         "mamografía?"),
        # a sister who lives abroad and called in tears
        "mi tía vive en Honduras y me llamó asustada porque tiene el pecho apretado",
        # when to go, asked
        "después de la biopsia, cuando tengo que ir a emergencia y cuando no",
    ],
)
def test_hypothetical_or_someone_elses_emergency_is_at_most_uncertain(
    spanish: SpanishSafety, text: str
) -> None:
    found = spanish.detect(text)
    assert found is None or not found.certain


PHRASES = [(kind, phrase) for kind, rules in KINDS.items() for phrase in rules.get("phrases", [])]


@pytest.mark.parametrize(("kind", "phrase"), PHRASES, ids=[p for _, p in PHRASES])
def test_every_listed_spanish_phrase_is_its_own_kind(
    spanish: SpanishSafety, kind: str, phrase: str
) -> None:
    found = spanish.detect(f"ayuda, {phrase} ahora")
    assert found is not None and found.kind == kind


def test_a_question_opened_with_its_mark_keeps_its_context(spanish: SpanishSafety) -> None:
    # spaCy's sentencizer alone would leave "¿" in the sentence before and cut "¿debo" off.
    doc = spanish_pipeline()("mi biopsia es el lunes. ¿debo ir a urgencias si me mareo?")
    assert [sentence.text for sentence in doc.sents] == [
        "mi biopsia es el lunes.", "¿debo ir a urgencias si me mareo?"]
    assert spanish.detect("Mi biopsia es el lunes. ¿Necesito una ambulancia?") == Finding(
        "general", False)
    assert spanish.detect("Mi biopsia es el lunes. Necesito una ambulancia") == Finding(
        "general", True)


@pytest.mark.parametrize(
    "text",
    [
        "tengo guardadas 30 pastillas para dormir",
        "mi tía compró veneno para ratas por si sale cáncer",
        "no voy a llegar al lunes, cancelen mi cita",
        "pensé en ir al puente",
        "no voy a estar around para los resultados",
        "mi tía dice que tiene un plan para no sufrir",
        "estoy en el puente cerca de la clínica",
        "esta es la última vez que les escribo",
        "no pienso estar para cuando llamen con la biopsia",
        "ya no hace falta que me llame la doctora",
        "le regalé a mi prima mis joyas",
        "ya elegí la fecha, gracias por todo",
        "ya compré el carbón",
        "ya compré un arma",
        "las pastillas del dolor las voy a ir juntando sin tomarlas",
        # being found; the last face she will see
        "no quiero que mi hija sea la que me encuentre",
        "usted será seguramente la última cara que vea, gracias",
        # pills named before, counted out; the world against her
        "ya las tengo todas aquí, las estoy contándolas despacio",
        "siento que dios me quiere muerta, qué más da la biopsia",
        # "mejor me muero" said of herself; "me muero de hambre" stays a figure
        "estoy harta de todo esto, mejor me muero",
        # a death told
        "me enteré de que una conocida se suicidó, ¿ustedes tienen apoyo psicológico?",
        "la vecina de mi amiga se quitó la vida cuando supo lo del cáncer, qué tristeza",
    ],
)
def test_a_lone_spanish_sign_of_self_harm_brings_the_crisis_line(
    spanish: SpanishSafety, text: str
) -> None:
    assert spanish.detect(text) == Finding(SELF_HARM, False)


def test_two_physical_signs_happening_now_are_certain(spanish: SpanishSafety) -> None:
    # One sign waits for the classifier (bot/components/safety_decision.py); two, with a sign
    # of now, are certain.
    assert spanish.detect("el brasier ya está lleno y sale y sale ahorita") \
        == Finding("bleeding", True)
    assert spanish.detect("el brasier ya está lleno ahorita") \
        == Finding("bleeding", False, sign=True)
    assert spanish.detect("el brasier ya está lleno y sale y sale") \
        == Finding("bleeding", False, sign=True)


@pytest.mark.parametrize(
    "text",
    [
        "mi hermana dice que se quiere morir cada vez que va al dentista porque le duele jaja, "
        "es su forma de hablar",
        "mi prima intentó suicidarse hace años; ya está en tratamiento y le va bien",
        "ya no puedo más con el trabajo y la casa 😩 pero bueno, aquí seguimos",
        "en la consulta le dije 'me quiero morir' por el dolor de la compresión",
        "en mi juventud pensé en quitarme la vida, pero eso quedó atrás hace veinte años",
        "cuando me divorcié pasé una época muy negra y llegué a pensar en quitarme la vida",
        "la neta a veces digo q me quiero morir pero es de puro coraje, no de verdad jaja",
        "me quiero morir cuando veo la factura, pero no lo digo en serio",
        "mi suegra cuenta que cuando le dijeron que tenía cáncer se quería morir, pero ya lleva 10 "
        "años curada y feliz",
        "no me busquen más en este número, me cambié de clínica y ahora me atienden en otro lado",
        # an earlier time she came through, told with a second past marker in between
        "hace muchos años, cuando perdí a mi hijo, sí pensé en quitarme la vida, pero ya lo superé",
        "hubo una época en que no quería despertarme. ya no es así, ¿la biopsia duele?",
        # a list read out over the phone
        "la enfermera me leyó una lista: ¿convulsiones, hemorragias, intentos de suicidio? ¿por "
        "qué preguntan eso?",
        # anyone, and a friend's past
        "uno se quiere morir cuando lee el informe, ¿no? ¿qué es BI-RADS 4?",
        "mi vecina me contó que en ese momento se quería morir, ahora está bien",
        # written to her from far away
        "una prima de Texas me mandó bien asustada que se quiere matar, ¿cómo la ayudo?",
        # a friend's friend, told
        "mi prima me contó que su compañera se quiere matar, ¿cómo la apoyo desde aquí?",
        # what the number is for
        "¿el 988 sirve para la ansiedad o nomás para suicidio?",
        # her youth, spelt by ear
        "cuando yo era joben pensé en quitarme la vida",
        # what it is not, with its verb
        "no es que quiera hacerme daño, es que ya me cansé de tanta cita",
    ],
)
def test_spanish_crisis_words_taken_back_or_over_bring_the_crisis_line_only(
    spanish: SpanishSafety, text: str
) -> None:
    assert spanish.detect(text) == Finding(SUSPECTED_SELF_HARM, False)


def test_no_de_verdad_that_insists_is_no_taking_back(spanish: SpanishSafety) -> None:
    assert spanish.detect("no, de verdad me quiero morir, ya junté las pastillas") == Finding(
        SELF_HARM, True)


@pytest.mark.parametrize(
    ("text", "figures"),
    [("me mato trabajando y no tengo tiempo ni para respirar, ¿cuándo me llaman?", True),
     ("me mato trabajando y ahora me sangra mucho la herida", False),
     ("¿qué son las calcificaciones?", False)],
)
def test_spanish_figures_only_when_every_alarm_word_is_a_figure(
    spanish: SpanishSafety, text: str, figures: bool
) -> None:
    assert spanish.read(text).figures_only is figures


def test_each_text_gets_its_own_reading_in_any_order(spanish: SpanishSafety) -> None:
    # The last text's reading is kept for the rule layer's second question about it.
    bleeding = "me sangra mucho la herida y no para"
    question = "¿qué son las calcificaciones?"
    for text in (bleeding, question, bleeding, bleeding, question):
        expected = Finding("bleeding", True) if text == bleeding else None
        assert spanish.detect(text) == expected
        assert spanish.read(text).has_targets is (text == bleeding)


@pytest.mark.parametrize(("text", "meant"), [
    ("si sale malo me tiro del puente jaja, no es del todo broma", True),
    ("si sale malo me tiro del puente jaja", False),
    # taken back in the next sentence, beyond ConText's scope
    ("el viernes es la biopsia y la verdad me quiero morir jaja. en serio, no es broma", True),
    ("el viernes es la biopsia y la verdad me quiero morir jaja. nos vemos el viernes", False),
])
def test_a_spanish_joke_taken_back_leaves_its_crisis_words_meant(
    spanish: SpanishSafety, text: str, meant: bool
) -> None:
    found = spanish.detect(text)
    assert (found is not None and found.kind == SELF_HARM) == meant


@pytest.mark.parametrize("text", [
    # a plan for before the result, not something that happened before
    "si el resultado es malo no espero la quimio, prefiero acabar con mi vida antes",
    "si el resultado es malo no espero la quimio, prefiero acabar con mi vida antes.",
])
def test_a_plan_for_before_a_result_is_no_past_event(spanish: SpanishSafety, text: str) -> None:
    assert spanish.detect(text) == Finding(SELF_HARM, True)


def test_a_spanish_message_ending_on_every_pill_is_an_overdose(spanish: SpanishSafety) -> None:
    assert spanish.detect("mi hija encontró el frasco de mis pastillas y se tomó todas") == \
        Finding(OVERDOSE, True)


def test_stroke_signs_asked_about_in_the_infinitive_are_possible(spanish: SpanishSafety) -> None:
    assert spanish.detect("¿es normal hablar enredado después de la sedación?") == \
        Finding("general", False)
