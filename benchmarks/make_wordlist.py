"""Rebuild `benchmarks/words.txt`, the synthetic corpus's vocabulary (a maintenance script).

The generator must stay self-contained (CI may not have the seeds), so the vocabulary is
built once from the seed captures of the real archive plus hand-written customer-service
language, and committed. Words are written in rank order: the seeds' own word counts rank
first (natural frequencies), the extra vocabulary follows as the long tail.

    python -m benchmarks.make_wordlist ../shared/seeds
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("words.txt")
_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*")
# Seed boilerplate that is not tip language (site chrome, names, dates).
_SKIP = {"tow", "inc", "kerr", "huffington", "terrence", "susan", "pm", "am"}

# Regular verbs: each gives its -s, -ed and -ing forms too.
VERBS = """
accept acknowledge act address adjust advise advocate agree alert allow anticipate apologize
appreciate approach arrange ask assist assure attend avoid calm call care change check clarify
close coach collect commit communicate compare compensate complain complete confirm connect
consider contact continue correct count create deliver demonstrate depend describe deserve
design develop direct discover discuss document earn educate empathize encourage engage enjoy
ensure escalate establish evaluate exceed expect experience explain express extend facilitate
fix focus follow form frustrate gather greet guide handle happen help highlight identify ignore
imagine improve include inform invite involve join keep learn listen look love maintain manage
matter measure mention mentor mirror miss monitor need nod notice observe offer open order own
paraphrase partner pause perform personalize plan point practice prepare present prevent
process promise protect provide question reach react realize reassure receive recognize
recommend record recover reduce refer reflect refund remain remember remind renew repair repeat
replace reply report request require resolve respect respond rest return reward schedule
search serve share show smile solve sound start stay struggle suggest summarize support surprise
talk thank train transfer treat trust turn understand update use value visit wait walk want
watch welcome wish wonder work worry
absorb accompany achieve adapt admire adopt affirm align analyze announce annoy apply approve
assess assign attract audit authorize balance benefit borrow brainstorm brief budget cancel
capture celebrate challenge champion chase cite clean combine comfort comment compete
complicate compliment compose concentrate conclude conduct consult convert convince cooperate
coordinate cover credit cultivate customize debrief decline defer define delegate delight
deny detect devote diagnose differentiate dine disappoint disclose dismiss display distribute
divide donate doubt draft drive elevate eliminate email embrace emphasize empower enable
enhance enroll enter equip estimate examine exchange excuse exercise expand explore extend
favor file finish flag float fold forgive frame fulfill generate greet hand hesitate hire
honor host hurry illustrate impress incorporate increase influence inspire install integrate
interrupt interview introduce invest investigate isolate label launch limit link load locate
log mail market master merge model motivate move navigate negotiate network nominate note
obtain operate organize outline overcome pack participate pass pay permit persuade phone pick
picture polish portray post postpone praise predict print prioritize proceed produce profile
promote propose prove publish purchase qualify quote rate reassign rebuild recall reconnect
redirect reinforce relate release relieve rely rephrase reschedule research reserve reset
resist restore retain retrain reveal revise route sample save scan screen secure select sell
settle shape ship sign simplify sketch skip soften sort specify staff stock streamline stress
structure study submit succeed supply survey sustain tailor target test text thrive track
trade transform translate travel trigger troubleshoot upgrade validate verify volunteer warn
"""

NOUNS = """
account action advocate agent answer apology appointment approach area attitude audience
balance behavior benefit bill branch budget business caller campaign center challenge channel
chat checklist choice claim class clerk client clinic colleague comment commitment community
company complaint concern conference connection consultant contract conversation co-worker
culture customer deadline decision delay department desk detail difference director discount
doctor effort email employee encounter environment error estimate event example exception
expectation experience expert explanation facility family feedback feeling fee form friend
frontline gesture goal greeting guest habit hallway handoff hospital hotel idea impression
incident inquiry instruction interaction invoice issue job leader lesson letter level line
listener lobby manager meeting member message minute mistake moment month need nurse
occasion office opportunity option order organization outcome owner parent partner patient
patron pause payment peer perception person phone plan point policy practice preference
price priority problem procedure process product professional program project promise
question queue reason receptionist recommendation record referral refund relationship
reminder renewal reply report representative request resident resource response result
review reward role rule sale schedule score script season sector seller service session
shift shopper signal situation skill smile solution source specialist staff stakeholder step
story strategy strength student subscriber suggestion supervisor supplier survey system
task teacher team technician technique telephone teller term ticket tone tool touchpoint
trainer training transaction transfer trust type update user value vendor visit visitor voice
volunteer wait warranty website week word worker workplace year
ability accent accident achievement adjustment admission advantage adventure advice agenda
alarm alternative ambassador amenity analysis anger anniversary announcement anxiety apartment
appetite application appreciation argument arrival article aspect assessment assignment
assistant assumption atmosphere attachment attempt attention attribute authority award
background badge banner barrier baseline behavior belief benchmark birthday blame blog bonus
booth boundary brand breakfast breakthrough brochure buddy bulletin bureau button cabinet
calendar candidate capacity card career cart catalog category cause celebration certificate
chair champion chapter character charge chart checkup chief circumstance citizen clarity
classroom coffee collection column comfort commission committee comparison compassion
competition competitor compliment component compromise computer concept conclusion condition
confidence confirmation conflict confusion consequence consideration consistency contact
context contribution convenience coordinator copy corner correction cost counter courage
course credibility credit crisis criticism crowd cup curiosity currency curriculum cushion
dashboard database daughter dealer debate decade default definition delivery demand
demonstration density deposit description design destination device dialogue diet dignity
dinner disability discipline discussion display distance document dollar donor door draft
dream driver duty ease edge edition education efficiency election elevator emotion emphasis
employer encouragement energy engagement engineer enrollment enthusiasm entrance entry
episode equipment escalation essay evaluation evidence excellence excitement excuse
exercise exit expansion expense experiment explanation extension eye factor failure faith
fan fear feature figure file finance finding fix flexibility flight floor flow folder
follower forecast formula foundation frame freedom frustration function fund future gap
generation gift guarantee guideline hallmark handbook handshake headline headset health
hearing heart helpline highlight history holiday homework honesty hope host hour household
humor identity illness image impact improvement incentive income indicator industry
influence ingredient initiative injury innovation insight inspection inspiration instance
insurance integrity intention interest interview introduction inventory investment
invitation item journey judgment kitchen knowledge label language laptop laughter leadership
lease lecture legacy license lifetime limit link list loan location lock logic lunch machine
mailbox maintenance majority manner margin market mass meal meaning measure medicine memory
mentor menu method metric milestone mindset mission mood morale morning motivation motive
movement name nature negotiation neighbor network newsletter night noise norm note notice
notification number objection objective obligation observation offer operation operator
opinion orientation outlet output package page pain pair panel paperwork paragraph parking
participant passenger passion password path pattern penalty percentage performance period
permission personality perspective phase philosophy photo phrase picture pilot pitch place
platform pleasure pocket poll portal position possibility post potential power praise
prescription presence presentation pressure pride principle privacy privilege procedure
profession profile profit progress promotion proof proposal prospect protection provider
purchase purpose quality quantity quote rapport rate rating reaction reader reality receipt
reception recipe recognition recovery reduction reflection region registration regret
reputation requirement research reservation resolution respect responsibility restaurant
retirement revenue risk room routine safety salary sample satisfaction saving scenario scene
schedule scope screen seat secret security selection sense sentence sequence setting share
shelf shortcut sign signature silence sister site size smartphone software speaker speech
spirit sponsor spouse stage standard statement status stranger stress structure style
subject subscription success summary supply surface surprise sympathy symptom table talent
target tax teamwork technology temperature template tension territory test text theme theory
thought threat threshold timeline tip title topic touch tour traffic transition treatment
trend trial trip trouble truth tutorial uniform unit update urgency usage vacation variety
vehicle version video view viewpoint vision voicemail volume wallet warmth weakness wealth
weekend welcome wellness window winner wisdom witness workflow workload workshop writer
"""

WORDS = """
above absolutely accessible accommodating accountable accurate active actually additional
admission adult afternoon again ahead alone already although always angry annoyed anxious
anyone anything apparent appropriate approachable attentive authentic available aware
awkward bad basic beautiful because before behind better beyond bigger board bored brief
bright broken busy calmly candid capable careful carefully casual certain certainly cheerful
clear clearly clinical closer cold comfortable common competent complex confident confused
consistent consistently constant convenient cordial costly courteous courtesy critical
crucial curious daily dedicated deeply delighted dependable detailed different difficult
directly disappointed disrespectful distracted early easily easy effective efficient either
else emotional empathetic empty energetic engaged enough entire equally especially
essential even evening every everyone everything exactly excellent exceptional expensive
extra extremely fair familiar famous fast final finally firm first flexible fluent formal
frankly free frequent frequently friendly frustrated frustrating full fully genuine genuinely
glad good graceful grateful great greater gruff happy hard harsh helpful helpless hesitant
high highly honest honestly hopeful hostile however huge immediate immediately important
impossible impressive inconvenient incorrect independent individual informal informed initial
inside instead internal invaluable irritated key kind kindly large last late later least less
likely little local long longer loyal main major many meaningful memorable mindful minor
modern more most much mutual natural nearly necessary negative nervous never new next nice
normal obvious often okay only open optional ordinary other outside overall overwhelmed
particular patient perfect personal personally pleasant pleased polite poor popular positive
possible powerful practical precise previous prior private proactive prompt properly proud
public quick quickly quiet quite rare rather ready real really reasonable recent regular
relaxed relevant reliable reluctant remote repeat respectful responsive right rude sad safe
same satisfied scared secure seldom senior serious several sharp short simple simply sincere
sincerely single slow small smooth social sometimes soon special specific stressed strong
subtle successful sudden sure sympathetic tactful thoughtful tired today together tomorrow
tough trusted truly typical unable uncomfortable unhappy unique unusual upset urgent useful
usually valuable various verbal vital warm warmly weekly welcome well whole willing wise
without wonderful worried worse worth wrong yesterday young
"""

PLACES = """
airline airport apartment arena athletics ballpark bank bookstore cafeteria campus clinic
college county courthouse dealership dormitory emergency fitness grocery gym healthcare
insurance laboratory library mall municipality museum pharmacy radiology registrar
restaurant retail school stadium store township university utility warehouse
"""


# Verbs the simple rules below would get wrong.
_IRREGULAR = {
    "keep": ["keep", "keeps", "kept", "keeping"],
    "understand": ["understand", "understands", "understood", "understanding"],
    "refer": ["refer", "refers", "referred", "referring"],
    "commit": ["commit", "commits", "committed", "committing"],
    "plan": ["plan", "plans", "planned", "planning"],
    "nod": ["nod", "nods", "nodded", "nodding"],
}


def inflect_verb(verb: str) -> list[str]:
    """The base verb and its regular -s, -ed and -ing forms (rules good enough for this list)."""
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("e"):
        return [verb, verb + "s", verb + "d", verb[:-1] + "ing"]
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return [verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"]
    if verb.endswith(("s", "sh", "ch", "x")):
        return [verb, verb + "es", verb + "ed", verb + "ing"]
    return [verb, verb + "s", verb + "ed", verb + "ing"]


# Nouns without a plural worth writing.
_UNCOUNTABLE_TEXT = """
    advice anger anxiety appreciation attention clarity compassion confidence confusion courage
    credibility curiosity dignity efficiency encouragement enthusiasm equipment evidence
    excellence faith feedback flexibility freedom frustration health homework honesty humor
    insurance integrity knowledge laughter leadership maintenance morale paperwork pride privacy
    rapport recognition respect safety satisfaction security silence software stress sympathy
    teamwork traffic trust urgency warmth wealth wellness wisdom consistency healthcare
"""
UNCOUNTABLE = frozenset(_UNCOUNTABLE_TEXT.split())


def pluralize(noun: str) -> list[str]:
    """The noun and its plural."""
    if noun in UNCOUNTABLE:
        return [noun]
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return [noun, noun[:-1] + "ies"]
    if noun.endswith(("s", "sh", "ch", "x")):
        return [noun, noun + "es"]
    return [noun, noun + "s"]


def build(seeds_dir: Path) -> list[str]:
    """Every word in rank order: seed words by count, then the extra vocabulary."""
    counts: Counter[str] = Counter()
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8").lower().replace("\u2019", "'")
        text = text.replace("read more", " ")  # the archive's excerpt links, not tip text
        counts.update(t for t in _TOKEN.findall(text) if t not in _SKIP and len(t) < 20)
    ranked = [word for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    seen = set(ranked)
    extra: list[str] = []
    for verb in VERBS.split():
        extra.extend(inflect_verb(verb))
    for noun in NOUNS.split() + PLACES.split():
        extra.extend(pluralize(noun))
    extra.extend(WORDS.split())
    for word in extra:
        if word not in seen:
            seen.add(word)
            ranked.append(word)
    return ranked


def main(argv: list[str]) -> int:
    seeds = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "shared" / "seeds"
    words = build(seeds)
    header = (
        "# The synthetic corpus's vocabulary, most frequent first (benchmarks/make_wordlist.py)\n"
    )
    WORDS_FILE.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    sys.stderr.write(f"{len(words)} words written to {WORDS_FILE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
