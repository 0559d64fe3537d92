"""Negation, hedging and attribution around a match, English and Chinese.

These marks decide whether a matched claim is the writer's own assertion:
"this is not a cure" (negated), "may help" (hedged), "the FDA warned a seller
that claimed it cures diabetes" (attributed). Each rule says what each mark
does to it (clears / lowers / none). The analysis is clause-scoped and lexical:
a cue counts only in the same clause, before the match (or right after it for
post-posed negation such as "cure? No.").
"""

from __future__ import annotations

import re
from functools import lru_cache

# --- English ---------------------------------------------------------------
_EN_NEG = re.compile(
    r"\b(?:not|no|never|neither|nor|none|nothing|nobody|cannot|can't|won't|isn't|aren't|wasn't|"
    r"weren't|doesn't|don't|didn't|hasn't|haven't|hadn't|shouldn't|wouldn't|couldn't|mustn't|"
    r"without|lack(?:s|ing)? of|fails? to|unable to|no longer|far from|rather than|instead of|"
    r"unproven|unsupported|false(?:ly)?|myth|misleading|incorrect(?:ly)?|there is no|there are no)\b|n't\b",
    re.IGNORECASE,
)
# "No medicine, peptide or otherwise, has been shown to ...": a negative
# quantifier as the clause's subject scopes over its verb phrase, however far.
_EN_NEG_SUBJECT = re.compile(
    r"^\W*(?:no|none of|nothing|nobody|no one|neither)\b[\w\s,'’-]{0,60}?\b"
    r"(?:has|have|had|can|could|will|would|is|are|was|were|does|do|did|may|might|should|must|works?)\b",
    re.IGNORECASE,
)
_EN_NEG_START = re.compile(r"(?:no|zero|none|without|free|nothing|never)\b", re.IGNORECASE)
_EN_NEG_LIST = re.compile(r"(?:\b(?:no|zero|without)\s+[\w'’-]+(?:\s+[\w'’-]+)?\s*[,/&+]\s*(?:and\s+|or\s+)?)+$", re.IGNORECASE)
# A clause boundary stops a negation from reaching further.
_EN_BOUNDARY = re.compile(
    r"[;:()\[\]]|,\s*(?:but|and|so|yet|while|whereas|which|because)\b|"
    r"\b(?:but|however|although|though|whereas|yet|instead|still|while|since|because)\b|\s[-–—]\s|"
    # an emoji ends a clause in social posts ("zero, nothing, nada 🙌 link in bio")
    r"[\u2600-\u27bf\U0001f300-\U0001faff]",
    re.IGNORECASE,
)
# A negative pronoun closes its clause at a comma: "I've had none, the fat jab is ..."
_EN_NEG_PRONOUN_CLAUSE = re.compile(r"^.*\b(?:none|nothing|nobody|no one|nada)\s*,", re.IGNORECASE | re.DOTALL)
# Phrases with a negator that do not negate what follows ("Not diabetic? Doesn't
# matter, our doctors prescribe ...", "isn't only for diabetics", "no wonder").
_EN_NOT_NEG = re.compile(
    r"\b(?:(?:doesn't|does not|don't|do not|won't|will not)\s+matter|no matter|"
    r"(?:not|isn't|aren't|is not|are not)\s+(?:only|just)|no (?:wonder|doubt|problem|worries)|not a problem|"
    # "Not sponsored, just obsessed with my Mounjaro journey": the contrast ends the negation
    r"not\s+[\w-]+(?:\s+[\w-]+)?\s*,\s*(?:just|but|only|simply))\b",
    re.IGNORECASE,
)
_EN_HEDGE = re.compile(
    r"\b(?:may|might|could|can help|can support|helps? (?:to )?support|may help|might help|"
    r"possibly|potentially|perhaps|appears? to|seems? to|suggests?|suggested|is being studied|"
    r"are being studied|under (?:study|investigation)|early (?:research|evidence|studies|data)|"
    r"preliminary|emerging (?:research|evidence)|in (?:some|early) studies|studies (?:suggest|indicate)|"
    r"research (?:suggests|indicates)|is thought to|are thought to|is believed to|likely|promising|"
    r"has been (?:linked|associated)|is associated with|investigational)\b",
    re.IGNORECASE,
)
_EN_ATTRIB = re.compile(
    r"\b(?:claim(?:s|ed|ing)?(?: that)?|marketed as|advertised as|promoted as|touted as|billed as|"
    r"so-called|supposed(?:ly)?|alleged(?:ly)?|purported(?:ly)?|"
    r"warn(?:s|ed|ing)?|warning letters?|cease-and-desist|untitled letters?|cited|fined|penali[sz]ed|infringement notices?|penalt(?:y|ies)|"
    r"ruled|ruling|banned|upheld|complaint|enforcement|prosecuted|charged|"
    r"according to (?:the )?(?:fda|ftc|asa|tga|mhra|samr|regulators?)|"
    r"(?:fda|ftc|asa|tga|mhra|samr|regulators?|the agency|the authority|the court) (?:has |have |had )?(?:said|says|stated|found|noted|objected|warned|cautioned|explained)|"
    r"prohibits?|forbids?|must not|may not|shall not|is (?:not )?permitted|bans?|"
    r"regulation \d+|article \d+|art\.\s*\d+|section \d+|§\s*\d+|cfr|directive|the code|cap code|"
    r"phrases? like|wording (?:such as|like)|words? like|terms? like|statements? like|claims? like|"
    r"myths? (?:about|that|of)|(?:common|popular|persistent|biggest|top) myths?|myths?:|(?:is|it's|it is) a myth|"
    r"misconceptions?|red flags?|watch out for|be wary of|beware of|"
    # legal cautions ("importing a Schedule 4 peptide can breach Australian law")
    r"breach(?:es|ed)? (?:the |australian |uk |eu )?(?:law|rules|code)|illegal(?:ly)?|unlawful(?:ly)?|against the law|"
    r"some (?:online |telehealth |wellness )?(?:sellers|shops|stores|vendors|clinics|med spas|websites|sites|companies|brands|marketers|influencers|ads)|"
    # "products sold as ...": a report; "Sold as a research chemical; ..." opening the seller's own line is not
    r"(?<=[\w,] )(?:sold|marketed|advertised|promoted|pitched) (?:online |widely |heavily )?as|"
    r"(?:market|markets|advertise|advertises|promote|promotes|pitch|pitches|tout|touts|sell|sells) (?:\S+ ){1,3}as \"|"
    r"said every|says every|(?<!everyone )(?<!people )ask(?:s|ed)? (?:us )?(?:whether|if)|wonder(?:s|ed)? (?:whether|if)|"
    r"(?:fda|ftc|the agency|regulators?) (?:has |have |had )?(?:put|added|placed|listed|issued|sent|flagged|declared))\b",
    re.IGNORECASE,
)
_QUOTES = (('"', '"'), ("“", "”"), ("‘", "’"), ("'", "'"), ("「", "」"), ("『", "』"), ("《", "》"))

# --- Chinese ---------------------------------------------------------------
_ZH_NEG = re.compile(r"不能|不可|不会|不得|不是|并非|并不|绝非|没有|没|未|无法|不|非|别|勿|莫|难以|谈不上")
_ZH_BOUNDARY = re.compile(r"[，,；;：:。！？!?、（）()]|但是|但|然而|不过|却")
# A negator scopes over an enumeration: 不具有疾病预防、治疗功能 negates 治疗 too.
_ZH_NEG_BOUNDARY = re.compile(r"[，,；;：:。！？!?（）()]|但是|但|然而|不过|却")
# Words that contain a negator character but do not negate (非常 'very', 不仅 'not
# only', 无论 'whatever', 未来 'future', 不断 'continually', 不少 'many', 不错 'good').
_ZH_NOT_NEG = re.compile(r"非常|不仅|不但|不光|不管|无论|未来|不断|不少|不错|不久|并且|莫名")
_ZH_HEDGE = re.compile(r"可能|或许|也许|有助于|有望|有一定|部分患者|个体差异|初步研究|研究表明|研究显示|尚在研究|正在研究|可望|帮助")
_ZH_ATTRIB = re.compile(
    r"据称|据说|所谓|号称|宣称|声称|自称|打着|吹嘘|鼓吹|通报|被罚|罚款|处罚|查处|立案|责令|违法|违规|虚假宣传|"
    r"警惕|谨防|小心|误区|谣言|不实|第[一二三四五六七八九十百零\d]+条|《|"
    # news and warning frames: reporting someone else's claim, or cautioning against it
    r"记者|调查发现|据报道|报道称|网传|网上流传|传言|涉事|涉案|执法人员|法院|被告|提醒大家|提醒一下|友情提醒|"
    r"当事人|经查|本案|该案"
)
# A prohibition frames a claim only when it comes first and governs wording
# (不得含有“安全无毒副作用”, 法律规定): "孕妇禁止使用" after a claim, or 不得用于人体
# next to a dose, is the advertiser's own text.
_ZH_PROHIBIT = re.compile(
    r"(?:不得|禁止|严禁|不准)(?:含有|使用|宣称|出现|发布|涉及|利用|以|作|进行|说明|表示|标注|夸大|声称|宣传)|"
    r"(?:法|条|办法|指南|细则|规范)规定"
)


def _clause_start(text: str, pos: int, boundary: re.Pattern[str]) -> int:
    start = 0
    for m in boundary.finditer(text, 0, pos):
        start = m.end()
    return start


@lru_cache(maxsize=8192)
def negated(sentence: str, start: int, end: int, lang: str) -> bool:
    """Is the match [start, end) (sentence-relative) inside a negation scope?

    Remembered: the kinds and the engine ask about the same span of the same
    sentence for every pack that flags it."""
    if lang == "zh":
        clause = _clause_start(sentence, start, _ZH_NEG_BOUNDARY)
        window = _ZH_NOT_NEG.sub("", sentence[max(clause, start - 12):start])
        return bool(_ZH_NEG.search(window))
    clause = _clause_start(sentence, start, _EN_BOUNDARY)
    before = sentence[clause:start]
    if _EN_NEG_START.match(sentence, start):
        # a claim that is itself negative, listed after others like it: in "no
        # needles, no side effects" the first "no" does not negate the second
        before = _EN_NEG_LIST.sub("", before)
    # Only the last ~8 words before the match are in scope of a negator.
    if _EN_NEG_SUBJECT.match(before):
        return True
    before = _EN_NEG_PRONOUN_CLAUSE.sub(" ", before)
    words = _EN_NOT_NEG.sub(" ", before).split()
    window = " ".join(words[-8:])
    if _EN_NEG.search(window):
        return True
    after = sentence[end:end + 40]
    # the answer must end there ("cure? No."), not start a phrase ("what no gym ever could")
    return bool(re.match(r"\s*(?:\?\s*)?(?:no|not really|not so|not at all|is a myth|is false)\b(?!\s+\w)", after, re.IGNORECASE))


@lru_cache(maxsize=8192)
def hedged(sentence: str, start: int, end: int, lang: str) -> bool:
    """Does the writer hedge the claim ("may help", 可能, 有助于)?"""
    if lang == "zh":
        clause = _clause_start(sentence, start, _ZH_BOUNDARY)
        return bool(_ZH_HEDGE.search(sentence, clause, start + 1))
    clause = _clause_start(sentence, start, _EN_BOUNDARY)
    return bool(_EN_HEDGE.search(sentence[clause:start]))


# In a regulator's report (doctype "report": warning letter, complaint, ruling,
# 通报) these verbs introduce the reported party's claims too ("Your website
# states that ...", "Defendants have represented ...", 当事人…称其…).
_EN_REPORT_ATTRIB = re.compile(
    r"\b(?:stat(?:e|es|ed|ing)|sa(?:ys|id)|represent(?:s|ed|ing|ations?)|describ(?:es|ed|ing)|featur(?:es|ed|ing)|"
    r"assert(?:s|ed|ing)?|tout(?:s|ed|ing)?|refer(?:s|red|ring)? to|promot(?:es|ed|ing)|advertis(?:es|ed|ing)|"
    r"includ(?:es|ed|ing)|contain(?:s|ed|ing)?|displayed|post(?:s|ed|ing)?|wrote|reads?|"
    # the regulator narrating the party's conduct ("your firm's marketing of ...", "your website offers
    # these products for sale", "Defendants sold ...")
    r"market(?:s|ed|ing)|offer(?:s|ed|ing)|sell(?:s|ing)?|sold|for sale|distribut(?:es|ed|ing)|"
    r"your (?:firm|company|website|web site|product|products|social media|instagram|facebook|tiktok|online store)|"
    r"defendants?|respondents?|the advertiser|the trader|the marketer|these products)\b",
    re.IGNORECASE,
)
_ZH_REPORT_ATTRIB = re.compile(r"称|写明|标注|标称|展示|发布|介绍|含有|使用了|用语|内容|宣传|销售|经营|推广|当事人|该公司|该诊所|该店|涉案")


def attributed(sentence: str, start: int, end: int, lang: str, *, report: bool = False,
               block: str | None = None, span: tuple[int, int] | None = None) -> bool:
    """Is the match someone else's claim being reported, quoted or prohibited?

    ``block`` and ``span`` (the match in block offsets) let a quotation that
    spans sentences count; ``report`` says the document is a regulator's report
    (doctype.py), where every quotation and reporting verb is attribution.
    """
    if _inside_quotes(sentence, start, end):
        return True
    if block is not None and span is not None and _inside_block_quote(block, span[0], span[1], report):
        return True
    if report and (_ZH_REPORT_ATTRIB if lang == "zh" else _EN_REPORT_ATTRIB).search(sentence):
        return True
    if report and _has_quotation(block if block is not None else sentence):
        # a paragraph or bullet that carries a quotation reports it, also the words that head it
        # ("Retatrutide: \"Reverses fatty liver disease.\"", "... \"not for human use\"; however")
        return True
    if lang == "zh":
        return bool(_ZH_ATTRIB.search(sentence) or _ZH_PROHIBIT.search(sentence, 0, start))
    return _en_attribution(sentence)


@lru_cache(maxsize=4096)
def _en_attribution(sentence: str) -> bool:
    """``_EN_ATTRIB`` (a long backtracking alternation) once per sentence: the
    packs flag one sentence under several rules, each asking the same question."""
    return bool(_EN_ATTRIB.search(sentence))


def _inside_quotes(sentence: str, start: int, end: int) -> bool:
    span = _quote_span(sentence, start, end)
    if span is None:
        return False
    a, b = span
    inner = sentence[a + 1:b].strip()
    lead = re.search(r"(\w+)\W*$", sentence[:a])
    if (inner[:1].isupper() and len(inner.split()) <= 3 and end - start >= 0.6 * len(inner)
            and lead is not None and lead.group(1).lower() in ("the", "our", "my", "your", "this", "a", "an")):
        return False  # a product name in quotation marks (our "Wolverine blend"), not a reported claim
    outside = sentence[:a] + " " + sentence[b + 1:]
    outside = re.sub(r"\s[—–-]+\s*\S.*$|^\s*[—–-]+\s*\S.*$", " ", outside)
    # A quote with no reporting frame around it ("I lost 30 lb!" — Dana; Real
    # customer: "...") is the publisher's own testimonial, not a report.
    if not re.search(r"[\u3400-\u9fff]", outside) and len(re.findall(r"[A-Za-z]+", outside)) <= 3:
        return False
    return True


_QUOTATION = re.compile(r"[\"“][^\"“”]{3,}[\"”]|‘[^‘’]{3,}’|(?<!\w)'[^']{3,}'(?!\w)|[「『][^」』]+[」』]")


def _has_quotation(sentence: str) -> bool:
    return bool(_QUOTATION.search(sentence))


def _inside_block_quote(block: str, start: int, end: int, report: bool) -> bool:
    """A quotation opened in an earlier sentence of the block (The site stated "... . The
    safest jab available."), judged by the words around it in its block; in a report,
    any quotation (a bare quoted bullet under "claims on your website include:")."""
    span = _quote_span(block, start, end)
    if span is None:
        return False
    if report:
        return True
    a, b = span
    lead = re.split(r"[.!?。！？]\s", block[:a])[-1]
    tail = re.split(r"[.!?。！？](?:\s|$)", block[b + 1:])[0]
    return _inside_quotes(lead + block[a:b + 1] + tail, len(lead) + start - a, len(lead) + end - a)


def _quote_span(sentence: str, start: int, end: int) -> tuple[int, int] | None:
    for open_q, close_q in _QUOTES:
        if open_q == close_q:
            if open_q not in sentence:  # most sentences: no quotation mark at all
                continue
            idx = []
            i = sentence.find(open_q)
            while i >= 0:
                idx.append(i)
                i = sentence.find(open_q, i + 1)
            if open_q == "'":
                idx = [i for i in idx if (i == 0 or not sentence[i - 1].isalnum()) or (i + 1 >= len(sentence) or not sentence[i + 1].isalnum())]
                idx = [i for i in idx if not (0 < i < len(sentence) - 1 and sentence[i - 1].isalnum() and sentence[i + 1].isalnum())]
            for a, b in zip(idx[0::2], idx[1::2], strict=False):
                if a < start and end <= b:
                    return a, b
        else:
            a = sentence.rfind(open_q, 0, start)
            if a >= 0:
                b = sentence.find(close_q, a)
                if b >= end:
                    return a, b
    return None
