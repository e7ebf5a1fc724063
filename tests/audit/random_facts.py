#!/usr/bin/env python3
"""Random but valid facts-import files and matching campaign configurations.

Usage:
    python3 random_facts.py SEED OUTDIR

Writes OUTDIR/facts.json (the facts-import format of docs/workbooks.md) and
OUTDIR/campaign.toml (dates + [benchmarks]).  The same seed always gives the same case.

The generator aims at the edges of the spec: dates on both sides of the rolling window
bounds (including 29 February), levels and caps, exact duplicates across units, ads, counts
at thresholds, rates at exactly 100 % and just below, zero bases for growth rates, values at
and beyond the efficacy benchmarks.  Shapes the spec leaves open are not generated (see
README.md).  Standard library only.
"""

import datetime as dt
from decimal import Decimal, getcontext
from fractions import Fraction
import json
import random
import sys
from pathlib import Path

UNITS = [
    "区政府办", "区市场监管局", "区发改局", "区工信局", "区财政局", "区住建局", "区交通运输局",
    "区水务局", "区农业农村局", "区文旅局", "区卫健局", "区应急局", "区统计局", "区生态环境分局",
    "区商务服务中心",
]

# Which unit answers each scalar (as in examples/zhangqiu/facts.json).
SCALAR_UNIT = {
    "coordination_body": "区政府办", "mobilization_meeting_date": "区政府办",
    "slogan": "区市场监管局", "slogan_document": "区市场监管局", "quality_model_name": "区市场监管局",
    "quality_model_summary": "区市场监管局", "creation_plan": "区市场监管局",
    "nqi_one_stop_platform": "区市场监管局", "standardization_policy": "区市场监管局",
    "metrology_mechanism": "区市场监管局", "metrology_test_center": "区市场监管局",
    "class_a_verification_coverage": "区市场监管局", "instrument_verification_rate": "区市场监管局",
    "energy_metrology_review_coverage": "区市场监管局", "enterprise_metrology_policy": "区市场监管局",
    "honest_metrology_policy": "区市场监管局", "honest_metrology_activities": "区市场监管局",
    "honest_metrology_streets": "区市场监管局", "honest_metrology_units": "区市场监管局",
    "metrology_benefit_activities": "区市场监管局", "certification_helped_smes_y1": "区市场监管局",
    "certification_helped_smes_y2": "区市场监管局", "voluntary_certificates_y1": "区市场监管局",
    "voluntary_certificates_y2": "区市场监管局", "complaint_channel": "区市场监管局",
    "key_position_policy": "区市场监管局", "spot_check_enterprises": "区市场监管局",
    "spot_check_compliant": "区市场监管局", "recall_system": "区市场监管局",
    "recall_support_policy": "区市场监管局", "resident_population": "区市场监管局",
    "food_safety_county": "区市场监管局", "drug_inspection_coverage": "区市场监管局",
    "invention_patents": "区市场监管局",
    "credit_policy": "区发改局", "joint_punishment_mechanism": "区发改局",
    "standardization_in_plan": "区发改局",
    "hightech_output": "区工信局", "industrial_output": "区工信局", "tech_transaction_value": "区工信局",
    "quality_funding_total_y0": "区财政局", "public_expenditure_y0": "区财政局",
    "quality_funding_total_y1": "区财政局", "public_expenditure_y1": "区财政局",
    "product_regulation_funds_y1": "区财政局",
    "green_design_standard_rate": "区住建局", "prefab_industry_bases": "区住建局",
    "smart_site_system": "区住建局", "smart_site_online_rate": "区住建局",
    "agri_quality_safety_county": "区农业农村局",
    "injury_monitoring": "区卫健局",
    "gdp": "区统计局", "service_value_added": "区统计局", "service_enterprises": "区统计局",
    "service_revenue": "区统计局", "energy_intensity_reduction": "区统计局",
    "good_air_days": "区生态环境分局", "total_days": "区生态环境分局", "pm25_y1": "区生态环境分局",
    "pm25_y2": "区生态环境分局",
}

# Units that may submit records of each list (responsible units in 附件2).
LIST_UNITS = {
    "culture_activities": UNITS, "publicity": UNITS, "honors_and_reports": UNITS,
    "demonstration_events": UNITS, "quality_meetings": ["区政府办", "区市场监管局"], "funding": UNITS,
    "support_policies": UNITS, "standards": ["区市场监管局"], "standard_orgs": ["区市场监管局"],
    "standard_pilots": ["区市场监管局"], "risk_warnings": UNITS,
    "exchanges": ["区市场监管局", "区工信局", "区住建局", "区商务服务中心"], "quality_reports": UNITS,
    "tech_awards": ["区工信局"], "quality_honors": UNITS,
}

getcontext().prec = 60

REF_DATES = [
    "2022-07-20", "2024-02-29", "2020-02-29", "2023-02-28", "2023-03-01", "2024-02-28",
    "2024-03-01", "2025-02-28", "2025-03-01", "2021-12-31", "2022-01-01", "2021-02-28",
    "2028-02-29", "2023-07-20",
]


def years_before(d, n):
    y = d.year - n
    if d.month == 2 and d.day == 29:
        return dt.date(y, 2, 28)
    return dt.date(y, d.month, d.day)


def is_leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        r = self.r
        if r.random() < 0.8:
            self.ref = dt.date.fromisoformat(r.choice(REF_DATES))
        else:
            self.ref = dt.date(2020, 1, 1) + dt.timedelta(days=r.randrange(0, 9 * 366))
        self.ey = self.ref.year if r.random() < 0.85 else self.ref.year + r.choice([-1, 1])
        self.subs = {}
        self.counter = 0

    # ------------------------------------------------------------ helpers

    def sub(self, unit):
        return self.subs.setdefault(unit, {"unit": unit, "scalars": [], "records": []})

    def src(self, unit, sheet):
        self.counter += 1
        return {"unit": unit, "file": f"{unit}.xlsx", "sheet": sheet, "cell": f"A{self.counter}"}

    def ev(self):
        self.counter += 1
        return f"证明材料-{self.counter}.pdf"

    def date_near(self, n):
        """A date around the window (ref - n years, ref]."""
        r, ref = self.r, self.ref
        lo = years_before(ref, n)
        k = r.random()
        if k < 0.3:
            return lo + dt.timedelta(days=r.choice([-2, -1, 0, 1, 2]))
        if k < 0.45:
            return ref + dt.timedelta(days=r.choice([-1, 0, 0, 1, 2]))
        if k < 0.6:
            # 28 Feb / 29 Feb / 1 Mar of a year around the lower bound or the reference year
            y = r.choice([lo.year, lo.year + 1, ref.year, ref.year - 1])
            days = [dt.date(y, 2, 28), dt.date(y, 3, 1)]
            if is_leap(y):
                days.append(dt.date(y, 2, 29))
            return r.choice(days)
        if k < 0.9:
            span = (ref - lo).days
            return lo + dt.timedelta(days=r.randrange(1, span + 1))
        return lo - dt.timedelta(days=r.randrange(3, 2000))

    def window_n(self, lst):
        return {"culture_activities": 1, "publicity": 1, "quality_meetings": 1, "exchanges": 1}.get(lst, 3)

    def scalar(self, key, typ, value, unit=None):
        unit = unit or SCALAR_UNIT[key]
        if typ == "rate":
            v = {"type": "rate", "value": {"num": str(value[0]), "den": str(value[1])}}
        else:
            v = {"type": typ, "value": value}
        self.sub(unit)["scalars"].append({"key": key, "value": v, "evidence": self.ev(), "source": self.src(unit, "数据填报")})
        if key not in ("violations_found", "violations_handled") and self.r.random() < 0.03:
            other = self.r.choice(UNITS)  # the same value from a second unit: not a conflict
            self.sub(other)["scalars"].append({"key": key, "value": v, "evidence": self.ev(), "source": self.src(other, "数据填报")})

    def maybe_doc(self, key, p=0.75):
        if self.r.random() < p:
            self.scalar(key, "text", f"{key} 文件（示例〔{self.r.randrange(2018, 2025)}〕{self.r.randrange(1, 99)}号）")

    def number(self, x):
        if isinstance(x, Decimal):
            s = format(x, "f")
            s = s.rstrip("0").rstrip(".") if "." in s else s
            return s if s not in ("-0", "") else "0"
        s = f"{x:.6f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)
        return s if s not in ("-0", "") else "0"

    def num(self, key, x, p=0.95):
        if self.r.random() < p:
            self.scalar(key, "number", self.number(x))

    def record(self, lst, fields, unit=None):
        unit = unit or self.r.choice(LIST_UNITS[lst])
        rec = {"list": lst, "fields": fields, "evidence": self.ev(), "source": self.src(unit, lst)}
        self.sub(unit)["records"].append(rec)
        r = self.r
        if r.random() < 0.12:  # exact duplicate, same or another unit
            other = r.choice(LIST_UNITS[lst])
            dup = json.loads(json.dumps(rec))
            dup["source"] = self.src(other, lst)
            self.sub(other)["records"].append(dup)
        return rec

    @staticmethod
    def t(x):
        return {"type": "text", "value": x}

    @staticmethod
    def d(x):
        return {"type": "date", "value": x.isoformat()}

    def rate(self, key, p_full=0.55):
        r = self.r
        if r.random() < 0.08:
            return
        den = r.choice([1, 2, 3, 10, 64, 100, 999, 18650])
        if r.random() < p_full:
            num = den
        else:
            num = r.choice([den - 1, max(0, den - r.randrange(1, den + 1)), 0])
        self.scalar(key, "rate", (num, den))

    def around(self, xh, xs, integer=False, nonneg=True):
        """A value at, between or beyond the benchmarks."""
        r = self.r
        lo, hi = min(xh, xs), max(xh, xs)
        k = r.random()
        if k < 0.15:
            v = xh
        elif k < 0.3:
            v = xs
        elif k < 0.45:
            v = hi + (hi - lo) * r.random()
        elif k < 0.6:
            v = lo - (hi - lo) * r.random()
        else:
            v = lo + (hi - lo) * r.random()
        if nonneg:
            v = max(0.0, v)
        if integer:
            return int(round(v))
        return round(v, r.choice([0, 1, 2, 3]))

    # ------------------------------------------------------------ benchmarks

    def near_midpoint(self, p, xh, xs):
        """A value x whose efficacy score p × d / 100 is a midpoint (k + ½ cent), or lies
        1e-11 either side of it, written with at most 12 decimals.  (Inputs with 20 and more
        decimals can put the exact score within 1e-20 of a midpoint, beyond the 28 digits of
        rust_decimal: see README.md.)"""
        r = self.r
        xh, xs = Fraction(str(xh)), Fraction(str(xs))
        p = Fraction(p)
        lo, hi = p * Fraction(60, 100), p
        k = r.randrange(int(lo * 100), int(hi * 100))
        target = Fraction(k, 100) + Fraction(5, 1000)
        x = xs + (xh - xs) * (target * 100 / p - 60) / 40
        x += r.choice([0, 0, Fraction(1, 10**11), -Fraction(1, 10**11)])
        q = Fraction(round(x * 10**12), 10**12)
        return Decimal(q.numerator) / Decimal(q.denominator)

    def benchmarks(self):
        r = self.r
        b = {}

        def pair(lo, hi, decimals=1):
            xs = round(r.uniform(lo, (lo + hi) / 2), decimals)
            xh = round(r.uniform((lo + hi) / 2 + 0.01, hi), decimals)
            if xh == xs:
                xh = xs + 1
            return xh, xs

        b["10.share"] = pair(0.05, 1.0, 2)
        b["10.change"] = (round(r.uniform(0.01, 0.2), 2), round(r.uniform(-0.2, 0.0), 2))
        b["19.count"] = pair(10, 300, 0)
        b["19.growth"] = (r.choice([10, 15, 20, 30]), r.choice([0, -5, -10]))
        b["20.count"] = pair(100, 3000, 0)
        b["20.growth"] = (r.choice([10, 15, 20]), r.choice([0, -5]))
        b["26.rate"] = (r.choice([100, 100, 99, 95, 97.5]), 90 if r.random() < 0.85 else r.choice([85, 80, 92]))
        # The configured pair keeps the rule's direction (a configuration that the rule's fixed
        # end turns around is rejected by design, see README.md).
        b["28.per_capita"] = (1.0 if r.random() < 0.85 else r.choice([1.5, 0.8, 2]), round(r.uniform(0.0, 0.79), 2))
        b["33.count"] = (r.choice([3, 5, 8]), r.choice([0, 1]))
        b["35.share"] = pair(30, 70, 1)
        b["36.count"] = pair(20, 300, 0)
        b["36.revenue"] = pair(10, 200, 1)
        b["37.reduction"] = (round(r.uniform(3, 8), 1), r.choice([0, -1, -2.5]))
        b["38.composite"] = pair(10, 50, 1)
        b["39.share"] = pair(10, 70, 1)
        b["40.per_10k"] = pair(2, 40, 1)
        b["41.share"] = pair(0.1, 5, 2)
        b["42.points"] = (r.choice([3, 4, 6, 8]), 0)
        # Now and then a lower-is-better configuration (x_h the smaller value) for an
        # indicator whose rule fixes no end.
        for k in list(b):
            if k not in ("26.rate", "28.per_capita") and r.random() < 0.06:
                b[k] = (b[k][1], b[k][0])
        self.bm = b
        return b

    # ------------------------------------------------------------ facts

    def facts(self):
        r, ref, ey = self.r, self.ref, self.ey
        b = self.benchmarks()
        # 1 2 7 8 12 13 16 22 25 34 docs
        for k in ["slogan", "slogan_document", "quality_model_name", "quality_model_summary",
                  "coordination_body", "creation_plan", "credit_policy", "joint_punishment_mechanism",
                  "nqi_one_stop_platform", "standardization_in_plan", "standardization_policy",
                  "metrology_mechanism", "metrology_test_center", "enterprise_metrology_policy",
                  "honest_metrology_policy", "honest_metrology_activities", "metrology_benefit_activities",
                  "complaint_channel", "key_position_policy", "recall_system", "recall_support_policy",
                  "smart_site_system"]:
            self.maybe_doc(k)
        if r.random() < 0.8:
            self.scalar("mobilization_meeting_date", "date", (ref - dt.timedelta(days=r.randrange(0, 300))).isoformat())
        # 3
        for _ in range(r.choice([0, 1, 1, 2, 3])):
            self.record("culture_activities", {
                "name": self.t(f"活动{r.randrange(1000)}"),
                "type": self.t(r.choice(["质量月", "品牌日", "3·15", "世界标准日", "世界计量日", "世界认可日", "其他"])),
                "date": self.d(self.date_near(1))})
        chans = ["展板", "显示屏", "横幅", "路牌", "橱窗", "电视", "报纸", "网络", "其他"]
        for _ in range(r.choice([0, 1, 2, 2, 3, 4])):
            self.record("publicity", {
                "channel": self.t(r.choice(chans[: r.choice([2, 9])])),
                "content": self.t(f"宣传{r.randrange(1000)}"),
                "date": self.d(self.date_near(1))})
        # 4
        for _ in range(r.choice([0, 1, 2, 3, 4, 6, 8])):
            f = {"type": self.t(r.choice(["表彰", "报道"])), "level": self.t(r.choice(["国家级", "省级", "市级"])),
                 "name": self.t(f"表彰报道{r.randrange(1000)}"), "issuer": self.t("某机关"),
                 "date": self.d(self.date_near(3))}
            k = r.random()
            if k < 0.2:
                f["is_ad"] = {"type": "bool", "value": True}
            elif k < 0.6:
                f["is_ad"] = {"type": "bool", "value": False}
            self.record("honors_and_reports", f)
        # 5
        for _ in range(r.choice([0, 1, 2, 3])):
            self.record("demonstration_events", {
                "name": self.t(f"现场会{r.randrange(1000)}"), "level": self.t(r.choice(["国家级", "省级", "市级"])),
                "role": self.t(r.choice(["承担", "举办"])), "date": self.d(self.date_near(3))})
        # 6
        for _ in range(r.choice([0, 1, 2, 3])):
            self.record("quality_meetings", {
                "name": self.t(f"会议{r.randrange(1000)}"), "date": self.d(self.date_near(1)),
                "top_leader": self.t(r.choice(["区委书记", "区长", "其他主要领导", "其他"]))})
        # 9
        fields = ["质量发展", "质量监督", "标准", "计量", "检验检测", "认证认可", "品牌", "信用", "商标专利"]
        covered = r.sample(fields, r.choice([9, 9, 8, 7, 6, 3, 0, 2]))
        for fld in fields:
            n = r.choice([1, 1, 2]) if fld in covered else r.choice([0, 0, 1])
            for _ in range(n):
                if fld in covered:
                    year = ey if r.random() < 0.8 else r.choice([ey - 1, ey + 1])
                    amount = r.choice(["0", "12.5", "300", "0.01"])
                else:
                    year, amount = r.choice([(ey, "0"), (ey - 1, "50"), (ey + 1, "20")])
                unit = r.choice(LIST_UNITS["funding"])
                self.record("funding", {
                    "field": self.t(fld), "year": {"type": "year", "value": str(year)},
                    "amount": {"type": "number", "value": amount}, "department": self.t(unit),
                    "item": self.t(f"项目{r.randrange(100)}")}, unit=unit)
        # 10
        exp0 = r.choice([1000000, 500000, 123456.7, 80000])
        exp1 = r.choice([1000000, 500000, 98765.4, 80000])
        xh, xs = b["10.share"]
        share0 = self.around(xh, xs)
        share1 = max(0.0, share0 - self.around(*b["10.change"], nonneg=False))
        self.num("quality_funding_total_y0", round(exp0 * share0 / 100, 2))
        self.num("public_expenditure_y0", exp0, p=0.97)
        self.num("quality_funding_total_y1", round(exp1 * share1 / 100, 2))
        self.num("public_expenditure_y1", exp1, p=0.97)
        # 11
        for _ in range(r.choice([0, 1, 2])):
            self.record("support_policies", {
                "name": self.t(f"政策{r.randrange(1000)}"), "doc_number": self.t(f"章政发〔2021〕{r.randrange(99)}号"),
                "date": self.d(self.date_near(3)), "direction": self.t(r.choice(["质量发展", "质量提升", "品牌"]))})
        # 14
        for _ in range(r.choice([0, 1, 2, 3, 4, 6, 8])):
            lvl = r.choice(["国际", "国家", "国家", "国家", "行业", "省地方", "省地方"])
            self.record("standards", {
                "number": self.t(f"STD {r.randrange(100000)}"), "name": self.t("某标准"),
                "level": self.t(lvl), "role": self.t(r.choice(["主导制定", "主导制定", "参与制定", "主导修订", "参与修订"])),
                "published": self.d(self.date_near(3))})
        # 15
        for _ in range(r.choice([0, 0, 1, 2, 3])):
            self.record("standard_orgs", {
                "name": self.t(f"TC{r.randrange(1000)}"),
                "type": self.t(r.choice(["国际TC成员单位", "国家TC秘书处", "省TC秘书处", "省TC秘书处"]))})
        for _ in range(r.choice([0, 1, 2, 3, 4, 5, 6, 8])):
            self.record("standard_pilots", {
                "name": self.t(f"试点{r.randrange(1000)}"), "level": self.t(r.choice(["国家级", "省级", "省级"])),
                "completed": self.d(self.date_near(3))})
        # 17
        for k in ["class_a_verification_coverage", "instrument_verification_rate", "energy_metrology_review_coverage"]:
            self.rate(k)
        # 18
        self.num("honest_metrology_streets", r.choice([0, 1, 2]), p=0.9)
        self.num("honest_metrology_units", r.choice([99, 100, 101, 86, 250]), p=0.9)
        # 19 20
        for i, key in ((19, "certification_helped_smes"), (20, "voluntary_certificates")):
            y1 = self.around(*b[f"{i}.count"], integer=True)
            k = r.random()
            if k < 0.12:
                y1, y2 = 0, 0
            elif k < 0.25:
                y2 = 0
            else:
                g = self.around(*b[f"{i}.growth"], nonneg=False)
                y2 = max(0, int(round(y1 / (1 + g / 100)))) if g > -99 else y1 * 2
            self.num(key + "_y1", y1)
            self.num(key + "_y2", y2)
        # 21
        domains = ["生产安全", "环境", "食品", "药品", "其他重点产品"]
        for dmn in domains:
            k = r.random()
            if k < 0.1:
                continue
            mech = r.random() < 0.85
            plan = r.random() < 0.85
            f = {"domain": self.t(dmn)}
            if mech:
                f["mechanism"] = self.t(f"{dmn}预警机制")
            if plan:
                f["plan"] = self.t(f"{dmn}应急预案")
            self.record("risk_warnings", f)
            if mech and plan and r.random() < 0.2:
                # a second, incomplete record for a covered domain
                self.record("risk_warnings", {"domain": self.t(dmn), "mechanism": self.t(f"{dmn}另一机制")})
        # 23
        chk = r.choice([0, 1, 30, 30, 12])
        self.num("spot_check_enterprises", chk, p=0.9)
        self.num("spot_check_compliant", chk if r.random() < 0.6 else max(0, chk - 1), p=0.9)
        # 24
        for _ in range(r.choice([0, 1, 2, 3])):
            self.record("exchanges", {
                "type": self.t(r.choice(["交流观摩", "质量培训"])), "name": self.t(f"交流{r.randrange(1000)}"),
                "date": self.d(self.date_near(1))})
        # 25
        if r.random() < 0.9:
            self.scalar("injury_monitoring", "text", r.choice(["已推行", "着手研究", "未开展"]))
        # 26
        self.violations()
        # 27
        for y in [ey - 1, ey - 2, ey - 3]:
            if r.random() < 0.6:
                f = {"year": {"type": "year", "value": str(y)}, "title": self.t(f"{y}年度质量状况分析报告")}
                if r.random() < 0.7:
                    f["published"] = self.d(dt.date(y + 1, 3, 30))
                    f["channel"] = self.t("区政府门户网站")
                self.record("quality_reports", f)
        # 28 40
        pop = r.choice([107.3, 50, 100, 33.33, 0.5])
        self.num("resident_population", pop, p=0.97)
        xh28, xs28 = b["28.per_capita"]
        pc = self.around(1.0, xs28)
        self.num("product_regulation_funds_y1", round(pc * pop * 10000, r.choice([0, 2])))
        xh, xs = b["40.per_10k"]
        self.num("invention_patents", int(round(self.around(xh, xs) * pop)))
        # 29 30
        for k in ["agri_quality_safety_county", "food_safety_county"]:
            if r.random() < 0.9:
                self.scalar(k, "bool", r.random() < 0.6)
        # 31 32 34
        self.rate("drug_inspection_coverage")
        self.rate("green_design_standard_rate")
        self.rate("smart_site_online_rate")
        # 33
        self.num("prefab_industry_bases", self.around(*b["33.count"], integer=True))
        # 35 41
        gdp = r.choice([1217.8, 1000, 333.3, 2500, 99.99])
        self.num("gdp", gdp, p=0.97)
        self.num("service_value_added", round(gdp * self.around(*b["35.share"]) / 100, r.choice([1, 3, 4])))
        self.num("tech_transaction_value", round(gdp * self.around(*b["41.share"]) / 100, r.choice([2, 3, 4])))
        # 36
        self.num("service_enterprises", self.around(*b["36.count"], integer=True))
        if r.random() < 0.25:
            self.num("service_revenue", self.near_midpoint(Fraction(3, 2), *b["36.revenue"]))
        else:
            self.num("service_revenue", self.around(*b["36.revenue"]))
        # 37
        if r.random() < 0.25:
            self.num("energy_intensity_reduction", self.near_midpoint(3, *b["37.reduction"]))
        else:
            self.num("energy_intensity_reduction", self.around(*b["37.reduction"], nonneg=False))
        # 38
        total = r.choice([365, 366, 360, 300])
        good = r.randrange(int(total * 0.4), total + 1)
        p2 = r.choice([50, 40, 33, 45.5, 60])
        p1 = round(p2 * r.uniform(0.6, 1.15), r.choice([0, 1]))
        self.num("good_air_days", good)
        self.num("total_days", total)
        self.num("pm25_y1", p1)
        self.num("pm25_y2", p2)
        # 39
        ind = r.choice([1000, 750.5, 3000])
        self.num("industrial_output", ind)
        self.num("hightech_output", round(ind * self.around(*b["39.share"]) / 100, r.choice([1, 2])))
        # 42
        for _ in range(r.choice([0, 1, 2, 3, 4, 6])):
            lvl = r.choice(["国家级", "省级", "省级"])
            grade = r.choice(["一等奖", "二等奖"] if lvl == "国家级" else ["一等奖", "二等奖", "三等奖"])
            if lvl == "国家级" and r.random() < 0.1:
                grade = "三等奖"  # not in the seed's table: a check error, no points
            self.record("tech_awards", {
                "name": self.t(f"项目{r.randrange(1000)}"),
                "category": self.t(r.choice(["科技进步奖", "自然科学奖", "技术发明奖"])),
                "level": self.t(lvl), "grade": self.t(grade),
                "first_unit": {"type": "bool", "value": r.random() < 0.6},
                "date": self.d(self.date_near(3))})
        # 43
        self.honors()

    def violations(self):
        r = self.r
        if r.random() < 0.05:
            return  # no unit reports: 26 scores 0
        units = r.sample(UNITS, r.choice([1, 3, 15, 15]))
        mode = r.random()
        if mode < 0.15:
            found = [0] * len(units)
            handled = [0] * len(units)
        else:
            total = r.choice([10, 20, 100, 250, 1000, 7])
            target = r.choice([100, 90, 89.9, 95, 97.5, 99, 80, 91])
            h_total = int(total * target / 100 + 0.5) if target != 89.9 else int(total * 0.9) - 1
            h_total = max(0, min(total, h_total))
            found = [0] * len(units)
            for _ in range(total):
                found[r.randrange(len(units))] += 1
            handled = list(found)
            deficit = total - h_total
            while deficit > 0:
                i = r.randrange(len(units))
                if handled[i] > 0:
                    handled[i] -= 1
                    deficit -= 1
        for u, fv, hv in zip(units, found, handled):
            self.scalar("violations_found", "number", str(fv), unit=u)
            self.scalar("violations_handled", "number", str(hv), unit=u)
        # every unit that submits anything must answer both counts
        self.violation_units = set(units)

    def honors(self):
        r = self.r
        names_nat = ["中国质量奖", "中国质量奖提名奖", "全国质量标杆", "全国质量奖（示例）", "全国名牌"]
        names_prov = ["山东省省长质量奖", "山东省省长质量奖提名奖", "山东省质量标杆", "山东名牌", "省知名品牌"]
        n = r.choice([0, 1, 2, 3, 4, 5, 6])
        for i in range(n):
            recip = f"企业{r.randrange(4)}"
            matter = f"事项{i}"
            k = r.random()
            if k < 0.3:
                levels = ["国家级", "省级"]  # the same matter at both levels
            else:
                levels = [r.choice(["国家级", "省级"])]
            for lvl in levels:
                name = r.choice(names_nat if lvl == "国家级" else names_prov)
                date = self.date_near(3)
                if ("中国质量奖" in name or "省长质量奖" in name) and date > self.ref:
                    date = self.ref - dt.timedelta(days=r.randrange(0, 4000))
                self.record("quality_honors", {
                    "honor_name": self.t(name), "level": self.t(lvl), "recipient": self.t(recip),
                    "matter": self.t(matter), "date": self.d(date)})
                if len(levels) == 1 and r.random() < 0.15:
                    # the same matter again at the same level, on another date and maybe under
                    # another name (提名奖 then the award): one honour, counted once if either
                    # record counts
                    again = r.choice([name, r.choice(names_nat if lvl == "国家级" else names_prov)])
                    date = self.date_near(3)
                    if ("中国质量奖" in again or "省长质量奖" in again) and date > self.ref:
                        date = self.ref - dt.timedelta(days=r.randrange(0, 4000))
                    self.record("quality_honors", {
                        "honor_name": self.t(again), "level": self.t(lvl), "recipient": self.t(recip),
                        "matter": self.t(matter), "date": self.d(date)})

    def finish(self):
        r = self.r
        vu = getattr(self, "violation_units", None)
        subs = []
        for u in UNITS:
            if u not in self.subs:
                continue
            s = self.subs[u]
            if vu is not None and u not in vu and (s["scalars"] or s["records"]):
                # a submitting unit that did not get counts answers 0 / 0
                s["scalars"].append({"key": "violations_found", "value": {"type": "number", "value": "0"}, "evidence": self.ev(), "source": self.src(u, "数据填报")})
                s["scalars"].append({"key": "violations_handled", "value": {"type": "number", "value": "0"}, "evidence": self.ev(), "source": self.src(u, "数据填报")})
            s["file"] = f"{u}.xlsx"
            subs.append(s)
        r.shuffle(subs)  # the result must not depend on the order of units
        return {"submissions": subs}

    def campaign(self):
        lines = [
            "[district]", 'name = "测试区"', 'short_name = "测试区"', 'city = "测试市"', 'province = "山东省"',
            'issuer = "测试区创建山东省质量强区工作专班办公室"', "",
            "[dates]", f"evaluation_year = {self.ey}", f"reference_date = {self.ref.isoformat()}",
            f"document_date = {self.ref.isoformat()}", "",
            "[application]", 'applicant = "测试区人民政府"', 'filled_by = "测试"', "area_km2 = 100",
            'pillar_industries = ["装备"]', 'coordination_body = "领导小组"', 'summary = ""', "",
            "[application.contact]", 'name = "测试"', 'position = "科长"', 'phone = "0531-00000000"',
            'email = "a@example.cn"', "", "[benchmarks]", "",
        ]
        for k, (xh, xs) in self.bm.items():
            lines += [f'[benchmarks."{k}"]', f'satisfactory = "{self.number(xh)}"',
                      f'unacceptable = "{self.number(xs)}"', 'source = "随机测试数据"', ""]
        lines += ["[annual_report]", f"year = {self.ey - 1}", ""]
        return "\n".join(lines)


def generate(seed, outdir):
    g = Gen(seed)
    g.facts()
    doc = g.finish()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "facts.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "campaign.toml").write_text(g.campaign(), encoding="utf-8")


if __name__ == "__main__":
    generate(int(sys.argv[1]), sys.argv[2])


# ---------------------------------------------------------------- written variants
#
# docs/workbooks.md, "用户的各种写法": the same content written as a user would type it in a
# cell must read (and therefore score) exactly as the canonical typed value.

FULLWIDTH = str.maketrans("0123456789.,-%", "０１２３４５６７８９．，－％")
UNIT_SUFFIX = {
    "quality_funding_total_y0": "万元", "public_expenditure_y0": "万元", "quality_funding_total_y1": "万元",
    "public_expenditure_y1": "万元", "product_regulation_funds_y1": "元", "resident_population": "万人",
    "gdp": "亿元", "service_value_added": "亿元", "service_revenue": "亿元", "hightech_output": "亿元",
    "industrial_output": "亿元", "tech_transaction_value": "亿元", "energy_intensity_reduction": "%",
    "honest_metrology_units": "家", "prefab_industry_bases": "个", "good_air_days": "天",
}
UNIT_ALIASES = {"区市场监管局": ["区市场监督管理局", "区市监局", "市场监管局"], "区工信局": ["区工业和信息化局", "工信局"],
                "区住建局": ["区住房和城乡建设局", "住建局"], "区发改局": ["区发展和改革局"], "区财政局": ["财政局"]}
PREFIX = {"省级": "省", "国家级": "国家", "市级": "市", "省地方": "省"}


def thousands(s):
    neg = s.startswith("-")
    s = s.lstrip("-")
    whole, _, frac = s.partition(".")
    parts = []
    while len(whole) > 3:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    parts.insert(0, whole)
    out = ",".join(parts) + ("." + frac if frac else "")
    return ("-" if neg else "") + out


def write_number(r, s, key=None):
    k = r.random()
    if k < 0.25:
        return s.translate(FULLWIDTH)
    if k < 0.5 and len(s.split(".")[0].lstrip("-")) > 3:
        return thousands(s)
    if k < 0.75 and key in UNIT_SUFFIX:
        return s + UNIT_SUFFIX[key]
    return f"  {s} "


SERIAL_DATES = 0.15


def write_date(r, s):
    d = dt.date.fromisoformat(s)
    if r.random() < SERIAL_DATES:
        return (d - dt.date(1899, 12, 30)).days  # an Excel serial number (1900 date system)
    return r.choice([
        f"{d.year}年{d.month}月{d.day}日", f"{d.year}.{d.month}.{d.day}", f"{d.year}/{d.month}/{d.day}",
        d.strftime("%Y%m%d"), f"{d.year}-{d.month}-{d.day}", f"{d.year}年{d.month}月{d.day}日".translate(FULLWIDTH),
        f"{s} 00:00:00",
    ])


def write_value(r, v, key=None):
    """An equivalent user-typed form of a canonical typed value (or the value itself)."""
    t, x = v["type"], v["value"]
    if r.random() < 0.4:
        return v
    if t == "number" and r.random() < 0.2 and len(x.replace("-", "").replace(".", "").lstrip("0")) <= 15:
        return int(x) if "." not in x else float(x)  # a JSON number
    if t == "number":
        return {"type": "number", "value": write_number(r, x, key)} if r.random() < 0.5 else write_number(r, x, key)
    if t == "year":
        return r.choice([f"{x}年", f"{x}年度", f" {x} "])
    if t == "date":
        return write_date(r, x)
    if t == "bool":
        return r.choice(["是", "√", "Y", "yes", "TRUE", "有", "1"]) if x else r.choice(["否", "×", "N", "no", "FALSE", "0"])
    if t == "rate":
        num, den = x["num"], x["den"]
        if num == den and r.random() < 0.5:
            return r.choice(["100%", "１００％"])
        return v
    if t == "text":
        if x in PREFIX and r.random() < 0.5:
            return PREFIX[x]
        if x == "3·15":
            return r.choice(["3.15", "3•15"])
        return f" {x}　"
    return v


def written_variant(doc, seed):
    r = random.Random(seed * 7919 + 1)
    out = json.loads(json.dumps(doc))
    seen = [f["key"] for s in out["submissions"] for f in s["scalars"]]
    for s in out["submissions"]:
        if s["unit"] in UNIT_ALIASES and r.random() < 0.5:
            s["unit"] = r.choice(UNIT_ALIASES[s["unit"]])
        for f in s["scalars"]:
            if f["value"]["type"] == "rate" and seen.count(f["key"]) > 1:
                continue  # 3/3 from one unit and "100%" (100/100) from another are two values
            f["value"] = write_value(r, f["value"], f["key"])
        for rec in s["records"]:
            for k, v in list(rec["fields"].items()):
                if rec["list"] == "standards" and k == "level" and v["value"] == "国家":
                    continue  # "国家" is itself an option there
                rec["fields"][k] = write_value(r, v)
    return out
