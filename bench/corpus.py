"""Seeded generator of a realistic Markdown corpus about peptides, GLP-1 medicines
and supplements, for benchmarking (``python -m bench.corpus OUT --size medium``).

Articles have YAML front matter, headings, paragraphs of filler prose, lists,
tables, fenced code, links, images and block quotes; about one in ten is in
Chinese. Most sentences are compliant; violations appear at a realistic low
density (about one sentence in forty). Every sentence template here was written
for this benchmark.
"""

from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

SIZES = {"small": 24, "medium": 2000, "large": 6000}

SUBSTANCES = ["semaglutide", "tirzepatide", "liraglutide", "Ozempic", "Wegovy", "Mounjaro", "Zepbound", "Saxenda",
              "BPC-157", "TB-500", "ipamorelin", "CJC-1295", "sermorelin", "tesamorelin", "retatrutide", "GHK-Cu",
              "berberine", "magnesium glycinate", "NMN", "collagen peptides", "creatine", "vitamin D3", "omega-3"]
CONDITIONS = ["type 2 diabetes", "insulin resistance", "obesity", "prediabetes", "PCOS", "fatty liver disease",
              "high blood pressure", "joint pain", "sleep apnea", "metabolic syndrome", "tendon injuries", "arthritis"]
FOODS = ["lentils", "Greek yogurt", "oats", "broccoli", "salmon", "eggs", "almonds", "brown rice", "chickpeas", "spinach"]
ACTIVITIES = ["a brisk walk after dinner", "two strength sessions a week", "a short stretching routine", "cycling to work",
              "taking the stairs", "a Sunday hike", "ten minutes of mobility work", "swimming laps"]
PEOPLE = ["your clinician", "a registered dietitian", "your pharmacist", "your primary care doctor", "an endocrinologist"]
NUMS = ["5", "8", "12", "14.9", "20.2", "24", "68", "72", "2.4", "15"]

FILLER = [
    "Most people find it easier to plan meals on the weekend and cook in batches.",
    "A simple rule of thumb is to fill half the plate with vegetables, a quarter with protein and a quarter with whole grains.",
    "Hydration matters too, especially on warm days or after {activity}.",
    "Sleep is often the first thing to slip when schedules get busy, and it affects appetite the next day.",
    "Keeping a short food diary for two weeks can show patterns that are hard to notice otherwise.",
    "Many readers asked us how to fit {activity} into a packed week; the answer is usually to start small.",
    "Swap one sugary drink a day for water or unsweetened tea and see how you feel after a month.",
    "It's fine to have a bad week; what counts is the trend over several months, not a single number on the scale.",
    "Shopping with a list, and never on an empty stomach, keeps impulse buys down.",
    "If you travel for work, pack snacks like {food} or fruit so the airport food court is not your only option.",
    "We asked three readers what changed for them, and all of them mentioned {activity}.",
    "Protein at breakfast, for example {food} or eggs, helps many people stay full until lunch.",
    "Stress, alcohol and late-night screens all make it harder to get a full night of rest.",
    "Small changes add up: a 10-minute walk after each meal is easier to keep than an hour at the gym you dread.",
    "The recipes below take about 20 minutes and use ingredients from an ordinary supermarket.",
    "Don't forget fibre: {food} and {food2} are cheap, filling and easy to add to soups.",
    "Our editors tested each of these tips for a month before writing about them.",
    "Costs vary a lot between pharmacies, so it's worth comparing prices and asking about savings programs.",
    "Some insurance plans need prior authorization, which can take one to three weeks.",
    "Write down your questions before the appointment so you don't forget them in the room.",
    "The weather turned cold early this year, so indoor options like {activity} became popular.",
    "Seasonal produce is cheaper and usually tastes better, so plan around what the market has.",
]

COMPLIANT = [
    "In the STEP 1 trial, adults taking {sub} lost on average {num}% of their body weight over {num2} weeks, alongside diet and exercise.",
    "Talk to {person} about whether {sub} is appropriate for you, and about its side effects.",
    "{sub} is a prescription medicine; common side effects include nausea, diarrhea and constipation.",
    "Research on {sub} in people is limited, and its long-term safety is not known.",
    "Ozempic is approved in the United States to improve blood sugar control in adults with type 2 diabetes.",
    "Wegovy and Zepbound are approved for chronic weight management in adults with obesity, together with a reduced-calorie diet.",
    "Supplements such as {sub} are not intended to diagnose, treat, cure or prevent any disease.",
    "These statements have not been evaluated by the Food and Drug Administration.",
    "Results vary from person to person, and no medicine works for everyone.",
    "Early studies of {sub} in animals are interesting, but they do not show what happens in people.",
    "If you have {cond}, your care team may suggest lifestyle changes before or alongside any medicine.",
    "People with a history of pancreatitis or thyroid cancer should discuss the risks with {person}.",
    "Tesamorelin is approved to reduce excess abdominal fat in adults with HIV-associated lipodystrophy.",
    "There is no cure for type 1 diabetes, but it can be managed well with insulin and monitoring.",
    "Weight regain is common after stopping {sub}, so plan the next steps with {person}.",
    "The dose is usually increased slowly over several weeks to reduce stomach side effects.",
]

VIOLATING = [
    "Our {sub} protocol cures {cond} in just {num} weeks.",
    "This blend will reverse insulin resistance for good.",
    "{sub} is the most effective weight-loss treatment available anywhere.",
    "Clinically proven: {sub} melts belly fat without diet or exercise.",
    "It is 100% safe, with no side effects at all.",
    "Our patients get off metformin within three months, guaranteed.",
    "{sub} heals {cond} naturally and permanently.",
    "The best peptide stack for fat loss is right here, buy now.",
    "Guaranteed results or your money back: lose {num} pounds in a month.",
    "This peptide is a permanent cure for joint pain.",
]

ZH_FILLER = [
    "很多人习惯在周末提前准备一周的饭菜，这样工作日会轻松很多。",
    "饭后散步十分钟，比起偶尔去一次健身房更容易坚持。",
    "睡眠不足会影响第二天的食欲和情绪，所以要尽量保证规律作息。",
    "多喝水，少喝含糖饮料，是最简单也最便宜的改变之一。",
    "购物前列好清单，可以减少冲动消费和不健康零食的购买。",
    "季节性的蔬菜水果价格更低，味道也更好。",
    "我们的编辑在写这篇文章之前，亲自试了一个月这些方法。",
    "如果经常出差，可以随身带一些坚果或水果作为加餐。",
]
ZH_COMPLIANT = [
    "司美格鲁肽是处方药，请在医生指导下使用，并注意恶心、腹泻等常见不良反应。",
    "替尔泊肽是GIP/GLP-1双受体激动剂，具体用法请咨询医生或药师。",
    "本品不能代替药物，保健食品不具有疾病预防和治疗功能。",
    "个体差异较大，减重效果因人而异。",
    "关于该肽类物质在人体中的长期安全性，目前研究数据仍然有限。",
]
ZH_VIOLATING = [
    "本产品能根治糖尿病，无毒副作用。",
    "替尔泊肽是目前最有效的减重方案。",
    "国家级专家推荐，三个月逆转胰岛素抵抗。",
    "这款胶原蛋白肽是最佳的抗衰老选择，效果最好。",
]

HEADINGS = ["What the research says", "How it works", "Side effects and safety", "Who should not take it",
            "Cost and insurance", "Practical tips", "Frequently asked questions", "The bottom line",
            "Getting started", "A typical week", "Questions to ask your doctor", "Recipes to try"]
ZH_HEADINGS = ["研究怎么说", "作用原理", "副作用与安全性", "费用与医保", "实用建议", "常见问题", "总结"]

CODE = ["```json\n{\"dose_mg\": 0.25, \"weeks\": 4, \"next\": 0.5}\n```",
        "```bash\ncompliance-lint check drafts/ --pack fda\n```",
        "```python\nfor week in range(1, 17):\n    print(week, schedule[week])\n```",
        "```yaml\nreminder: weekly\nday: monday\n```"]


class Article:
    def __init__(self, rng: random.Random, zh: bool, violation_rate: float) -> None:
        self.rng = rng
        self.zh = zh
        self.violation_rate = violation_rate

    def fill(self, template: str) -> str:
        r = self.rng
        foods = r.sample(FOODS, 2)
        return (template.replace("{sub}", r.choice(SUBSTANCES)).replace("{cond}", r.choice(CONDITIONS))
                .replace("{num2}", r.choice(NUMS)).replace("{num}", r.choice(NUMS))
                .replace("{person}", r.choice(PEOPLE)).replace("{activity}", r.choice(ACTIVITIES))
                .replace("{food2}", foods[1]).replace("{food}", foods[0]))

    def sentence(self) -> str:
        r = self.rng
        x = r.random()
        if self.zh:
            if x < self.violation_rate:
                return r.choice(ZH_VIOLATING)
            return r.choice(ZH_COMPLIANT) if x < 0.25 else r.choice(ZH_FILLER)
        if x < self.violation_rate:
            s = self.fill(r.choice(VIOLATING))
        elif x < 0.22:
            s = self.fill(r.choice(COMPLIANT))
        else:
            s = self.fill(r.choice(FILLER))
        if r.random() < 0.08:
            s = s.replace(" ", " [see our guide](https://example.com/guide) ", 1) if r.random() < 0.5 else _emphasise(r, s)
        if r.random() < 0.04:
            s += " Use `--dry-run` to preview."
        return s[0].upper() + s[1:]

    def paragraph(self) -> str:
        n = self.rng.randint(2, 6)
        joiner = "" if self.zh else " "
        return joiner.join(self.sentence() for _ in range(n))

    def render(self, idx: int, words_target: int) -> str:
        r = self.rng
        title = (r.choice(ZH_HEADINGS) + "：" + r.choice(["司美格鲁肽", "肽类", "减重药物", "保健食品"])) if self.zh else \
            f"{r.choice(HEADINGS)}: {r.choice(SUBSTANCES)} and {r.choice(CONDITIONS)}"
        desc = self.sentence()
        fm = [
            "---",
            f"title: \"{title}\"",
            f"description: \"{desc.replace(chr(34), '')}\"",
            f"date: 2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
            f"author: {r.choice(['Dana Lee', 'Sam Ortiz', 'Wei Zhang', 'Priya Nair'])}",
            f"tags: [{', '.join(r.sample(['glp-1', 'peptides', 'nutrition', 'supplements', 'weight', 'sleep'], 3))}]",
            "---",
            "",
            f"# {title}",
            "",
        ]
        out = fm
        words = 0
        heads = ZH_HEADINGS if self.zh else HEADINGS
        while words < words_target:
            x = r.random()
            if x < 0.12:
                block = f"## {r.choice(heads)}"
            elif x < 0.2:
                items = [("- " if r.random() < 0.7 else "1. ") + self.sentence() for _ in range(r.randint(3, 6))]
                block = "\n".join(items)
            elif x < 0.24:
                rows = ["| Week | Dose | Notes |", "|---|---|---|"]
                rows += [f"| {w} | {r.choice(['0.25 mg', '0.5 mg', '1 mg', '2.5 mg'])} | {self.sentence()} |" for w in range(1, r.randint(3, 6))]
                block = "\n".join(rows)
            elif x < 0.27:
                block = r.choice(CODE)
            elif x < 0.29:
                block = f"![{r.choice(FOODS)} on a plate](/img/{idx}-{words}.jpg)"
            elif x < 0.32:
                block = "> " + self.sentence()
            else:
                block = _wrap(self.paragraph()) if not self.zh else self.paragraph()
            out += [block, ""]
            words += len(block.split()) if not self.zh else len(block) // 2
        return "\n".join(out)


def _emphasise(r: random.Random, s: str) -> str:
    words = s.split(" ")
    i = r.randrange(len(words))
    words[i] = f"**{words[i]}**"
    return " ".join(words)


def _wrap(text: str, width: int = 100) -> str:
    lines: list[str] = []
    line = ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return "\n".join(lines)


def generate(out: str | os.PathLike[str], size: str | int = "medium", seed: int = 1, zh_share: float = 0.1,
             violation_rate: float = 0.025) -> list[Path]:
    """Write the corpus to ``out`` (created) and return the file paths. Same seed, same files."""
    n = SIZES[size] if isinstance(size, str) else int(size)
    rng = random.Random(seed)
    root = Path(out)
    paths: list[Path] = []
    for i in range(n):
        sub = root / f"section-{i % 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        zh = rng.random() < zh_share
        art = Article(random.Random(rng.getrandbits(64)), zh, violation_rate)
        text = art.render(i, rng.randint(500, 1100))
        path = sub / f"article-{i:05d}.md"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--size", default="medium", help="small | medium | large | a number of files")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    size: str | int = a.size if a.size in SIZES else int(a.size)
    paths = generate(a.out, size, a.seed)
    print(f"{len(paths)} files in {a.out}")


if __name__ == "__main__":
    main()
