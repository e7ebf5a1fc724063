#!/usr/bin/env python3
"""Independent scorer for the 43 indicators, written from /work/shared/spec/scoring.md only.

Usage:
    python3 independent_scorer.py FACTS.json CAMPAIGN.toml [--json]

Reads a facts-import file (the `FactsFile { submissions: [...] }` format, canonical typed
values) and the campaign configuration (`[dates]`, `[benchmarks]`) and prints every
indicator's exact score (as a fraction-exact decimal string where it terminates) and its
official score (exact value rounded half up to 0.01), plus the total of official scores.

Standard library only.  Arithmetic is exact (fractions.Fraction); the official score is
rounded half up with the decimal module.
"""

import datetime as dt
import json
import sys
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F

POINTS = {
    1: 2, 2: 2, 3: 2, 4: 4, 5: 2, 6: 4, 7: 2, 8: 1, 9: 3, 10: 2, 11: 3, 12: 2, 13: 1,
    14: 4, 15: 3, 16: 2, 17: 3, 18: 2, 19: 2, 20: 2, 21: 2, 22: 1, 23: 1, 24: 1, 25: 2,
    26: 2, 27: 1, 28: 1, 29: 2, 30: 2, 31: 1, 32: 2, 33: 2, 34: 2, 35: 3, 36: 3, 37: 3,
    38: 3, 39: 2, 40: 2, 41: 2, 42: 3, 43: 9,
}
assert sum(POINTS.values()) == 100 and len(POINTS) == 43

FUNDING_FIELDS = ["质量发展", "质量监督", "标准", "计量", "检验检测", "认证认可", "品牌", "信用", "商标专利"]
RISK_DOMAINS = ["生产安全", "环境", "食品", "药品", "其他重点产品"]


# ---------------------------------------------------------------- values


def fact_value(v):
    """Canonical typed value -> python value (Fraction, bool, date, str, (num, den))."""
    if v is None:
        return None
    if isinstance(v, dict) and "type" in v:
        t, x = v["type"], v.get("value")
        if x is None:
            return None
        if t in ("number", "count", "year"):
            return F(str(x)) if str(x).strip() != "" else None
        if t == "rate":
            return (F(str(x["num"])), F(str(x["den"])))
        if t == "bool":
            return bool(x)
        if t == "date":
            return dt.date.fromisoformat(x)
        s = str(x).strip()
        return s if s else None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return F(str(v))
    s = str(v).strip()
    return s if s else None


def present(x):
    return x is not None and x != "" and x is not False


# ---------------------------------------------------------------- windows


def years_before(d, n):
    """N years before d keeping month and day; 29 February lands on 28 February."""
    y = d.year - n
    if d.month == 2 and d.day == 29:
        return dt.date(y, 2, 28)
    return dt.date(y, d.month, d.day)


def in_window(date, ref, n):
    return date is not None and years_before(ref, n) < date <= ref


# ---------------------------------------------------------------- efficacy


def efficacy_d(x, xh, xs):
    """Coefficient d in [60, 100]; works for either direction (x_h smaller = lower is better)."""
    if xh == xs:
        raise ValueError("x_h = x_s")
    d = 60 + 40 * (x - xs) / (xh - xs)
    return min(F(100), max(F(60), d))


def efficacy_points(p, x, xh, xs):
    return F(p) * efficacy_d(x, xh, xs) / 100


def growth_part(p, now, before, xh, xs):
    """Growth rate in percent over `before`; zero-base rule."""
    if now is None or before is None:
        return F(0)
    if before == 0:
        if now > 0:
            return F(p)
        if now == 0:
            return F(p) * F(6, 10)
        # now < 0 over a zero base cannot happen for counts
        return F(0)
    g = (now - before) / before * 100
    return efficacy_points(p, g, xh, xs)


# ---------------------------------------------------------------- input


class Facts:
    def __init__(self, doc):
        self.scalars = {}  # key -> list of values (one per unit that reported it)
        self.lists = {}  # list -> list of field dicts (exact duplicates dropped)
        seen = {}
        for sub in doc["submissions"]:
            for s in sub.get("scalars", []):
                val = fact_value(s.get("value"))
                if val is None:
                    continue
                self.scalars.setdefault(s["key"], []).append((sub["unit"], val))
            for r in sub.get("records", []):
                fields = {k: fact_value(v) for k, v in r["fields"].items()}
                key = (r["list"], tuple(sorted((k, repr(v)) for k, v in fields.items() if v is not None)))
                if key in seen:
                    continue
                seen[key] = True
                self.lists.setdefault(r["list"], []).append(fields)

    def one(self, key):
        vals = self.scalars.get(key, [])
        if not vals:
            return None
        distinct = {repr(v) for _, v in vals}
        if len(distinct) > 1:
            raise ValueError(f"conflicting values for {key}: {vals}")
        return vals[0][1]

    def total(self, key):
        vals = self.scalars.get(key, [])
        if not vals:
            return None
        return sum((v for _, v in vals), F(0))

    def recs(self, name):
        return self.lists.get(name, [])


def rate_full(r):
    return r is not None and r[1] > 0 and r[0] == r[1]


def ratio(a, b, scale=1):
    if a is None or b is None or b == 0:
        return None
    return a / b * scale


# ---------------------------------------------------------------- rules


def score_all(facts, campaign):
    ref = campaign["dates"]["reference_date"]
    if isinstance(ref, str):
        ref = dt.date.fromisoformat(ref)
    ey = int(campaign["dates"]["evaluation_year"])
    bm = {}
    for k, v in campaign.get("benchmarks", {}).items():
        bm[k] = (F(str(v["satisfactory"])), F(str(v["unacceptable"])))

    def B(name):
        return bm[name]

    f = facts
    one = f.one
    S = {}

    def win(recs, field, n):
        return [r for r in recs if in_window(r.get(field), ref, n)]

    # 1
    S[1] = F(2) if present(one("slogan")) and present(one("slogan_document")) else F(0)
    # 2
    S[2] = F(2) if present(one("quality_model_name")) and present(one("quality_model_summary")) else F(0)
    # 3
    acts = win(f.recs("culture_activities"), "date", 1)
    pubs = win(f.recs("publicity"), "date", 1)
    S[3] = (F(1) if acts else F(0)) + (F(1) if len({p.get("channel") for p in pubs}) >= 2 else F(0))
    # 4
    hr = [r for r in win(f.recs("honors_and_reports"), "date", 3) if r.get("is_ad") is not True]
    table = {
        ("表彰", "国家级"): (F(2), F(4)),
        ("表彰", "省级"): (F(1), F(2)),
        ("表彰", "市级"): (F(1, 2), F(1)),
        ("报道", "国家级"): (F(1), F(2)),
        ("报道", "省级"): (F(1, 2), F(1)),
        ("报道", "市级"): (F(0), F(0)),
    }
    tot = F(0)
    for (t, lv), (each, cap) in table.items():
        n = sum(1 for r in hr if r.get("type") == t and r.get("level") == lv)
        tot += min(cap, each * n)
    S[4] = min(F(4), tot)
    # 5
    ev = win(f.recs("demonstration_events"), "date", 3)
    lv = {r.get("level") for r in ev}
    S[5] = F(2) if "国家级" in lv else F(1) if "省级" in lv else F(0)
    # 6
    s6 = F(2) if present(one("coordination_body")) else F(0)
    meet = win(f.recs("quality_meetings"), "date", 1)
    lead = {"区委书记": F(2), "区长": F(1), "其他主要领导": F(1, 2)}
    s6 += max([lead.get(m.get("top_leader"), F(0)) for m in meet] + [F(0)])
    S[6] = s6
    # 7
    S[7] = (F(1) if present(one("creation_plan")) else F(0)) + (
        F(1) if present(one("mobilization_meeting_date")) else F(0)
    )
    # 8
    S[8] = (F(1, 2) if present(one("credit_policy")) else F(0)) + (
        F(1, 2) if present(one("joint_punishment_mechanism")) else F(0)
    )
    # 9
    amounts = {k: F(0) for k in FUNDING_FIELDS}
    for r in f.recs("funding"):
        if r.get("year") is not None and int(r["year"]) == ey and r.get("amount") is not None:
            amounts[r["field"]] += r["amount"]
    missing = sum(1 for k in FUNDING_FIELDS if not amounts[k] > 0)
    S[9] = max(F(0), F(3) - F(1, 2) * missing)
    # 10
    s_now = ratio(one("quality_funding_total_y0"), one("public_expenditure_y0"), 100)
    s_before = ratio(one("quality_funding_total_y1"), one("public_expenditure_y1"), 100)
    s10 = F(0)
    if s_now is not None:
        s10 += efficacy_points(1, s_now, *B("10.share"))
        if s_before is not None:
            s10 += efficacy_points(1, s_now - s_before, *B("10.change"))
    S[10] = s10
    # 11
    S[11] = F(3) if f.recs("support_policies") else F(0)
    # 12
    S[12] = F(2) if present(one("nqi_one_stop_platform")) else F(0)
    # 13
    S[13] = (F(1, 2) if present(one("standardization_in_plan")) else F(0)) + (
        F(1, 2) if present(one("standardization_policy")) else F(0)
    )
    # 14
    st = win(f.recs("standards"), "published", 3)
    s14 = F(0)
    if any(r.get("level") == "国际" for r in st):
        s14 += 2
    n = sum(1 for r in st if r.get("level") == "国家" and r.get("role") == "主导制定")
    s14 += F(1) if n >= 2 else F(1, 2) if n == 1 else F(0)
    n = sum(1 for r in st if r.get("level") == "国家" and r.get("role") in ("参与制定", "主导修订", "参与修订"))
    s14 += F(1, 2) if n >= 3 else F(1, 4) if n >= 1 else F(0)
    n = sum(1 for r in st if r.get("level") == "省地方" and r.get("role") == "主导制定")
    s14 += F(1) if n >= 3 else F(1, 2) if n >= 1 else F(0)
    S[14] = min(F(4), s14)
    # 15
    orgs = f.recs("standard_orgs")
    s15 = F(2) * sum(1 for r in orgs if r.get("type") == "国际TC成员单位")
    s15 += F(3, 2) * sum(1 for r in orgs if r.get("type") == "国家TC秘书处")
    s15 += min(F(2), F(1) * sum(1 for r in orgs if r.get("type") == "省TC秘书处"))
    pil = win(f.recs("standard_pilots"), "completed", 3)
    n = sum(1 for r in pil if r.get("level") == "国家级")
    s15 += F(2) if n >= 3 else F(1) if n >= 1 else F(0)
    n = sum(1 for r in pil if r.get("level") == "省级")
    s15 += F(1) if n >= 5 else F(1, 2) if n >= 1 else F(0)
    S[15] = min(F(3), s15)
    # 16
    S[16] = (F(1) if present(one("metrology_mechanism")) else F(0)) + (
        F(1) if present(one("metrology_test_center")) else F(0)
    )
    # 17
    S[17] = F(
        sum(
            1
            for k in ("class_a_verification_coverage", "instrument_verification_rate", "energy_metrology_review_coverage")
            if rate_full(one(k))
        )
    )
    # 18
    s18 = F(1, 2) if present(one("enterprise_metrology_policy")) else F(0)
    if present(one("honest_metrology_policy")) and present(one("honest_metrology_activities")):
        streets, units = one("honest_metrology_streets"), one("honest_metrology_units")
        if streets is not None and units is not None and streets >= 1 and units >= 100:
            s18 += 1
        else:
            s18 += F(1, 2)
    s18 += F(1, 2) if present(one("metrology_benefit_activities")) else F(0)
    S[18] = s18
    # 19, 20
    for i, key in ((19, "certification_helped_smes"), (20, "voluntary_certificates")):
        y1, y2 = one(key + "_y1"), one(key + "_y2")
        s = F(0)
        if y1 is not None:
            s += efficacy_points(1, y1, *B(f"{i}.count"))
        s += growth_part(1, y1, y2, *B(f"{i}.growth"))
        S[i] = s
    # 21
    rw = f.recs("risk_warnings")
    lacking = 0
    for d in RISK_DOMAINS:
        ok = any(present(r.get("mechanism")) and present(r.get("plan")) for r in rw if r.get("domain") == d)
        lacking += 0 if ok else 1
    S[21] = max(F(0), F(2) - lacking)
    # 22
    S[22] = F(1) if present(one("complaint_channel")) else F(0)
    # 23
    s23 = F(1, 2) if present(one("key_position_policy")) else F(0)
    chk, comp = one("spot_check_enterprises"), one("spot_check_compliant")
    if chk is not None and comp is not None and chk >= 1 and comp == chk:
        s23 += F(1, 2)
    S[23] = s23
    # 24
    ex = win(f.recs("exchanges"), "date", 1)
    S[24] = (F(1, 2) if any(r.get("type") == "交流观摩" for r in ex) else F(0)) + (
        F(1, 2) if any(r.get("type") == "质量培训" for r in ex) else F(0)
    )
    # 25
    inj = {"已推行": F(1), "着手研究": F(1, 2)}.get(one("injury_monitoring"), F(0))
    rc = int(present(one("recall_system"))) + int(present(one("recall_support_policy")))
    S[25] = inj + (F(1) if rc == 2 else F(1, 2) if rc == 1 else F(0))
    # 26
    found, handled = f.total("violations_found"), f.total("violations_handled")
    if found is None or handled is None:
        S[26] = F(0)
    else:
        rate = F(100) if found == 0 else handled / found * 100
        xh, _xs = B("26.rate")
        S[26] = F(0) if rate < 90 else efficacy_points(2, rate, xh, F(90))
    # 27
    reps = f.recs("quality_reports")
    pub_years = {int(r["year"]) for r in reps if r.get("year") is not None and present(r.get("channel"))}
    if ey - 1 in pub_years and ey - 2 in pub_years:
        S[27] = F(1)
    elif reps:
        S[27] = F(1, 2)
    else:
        S[27] = F(0)
    # 28
    funds, pop = one("product_regulation_funds_y1"), one("resident_population")
    pc = ratio(funds, None if pop is None else pop * 10000)
    _xh, xs = B("28.per_capita")
    S[28] = F(0) if pc is None else efficacy_points(1, pc, F(1), xs)
    # 29 30
    S[29] = F(2) if one("agri_quality_safety_county") is True else F(0)
    S[30] = F(2) if one("food_safety_county") is True else F(0)
    # 31 32
    S[31] = F(1) if rate_full(one("drug_inspection_coverage")) else F(0)
    S[32] = F(2) if rate_full(one("green_design_standard_rate")) else F(0)
    # 33
    v = one("prefab_industry_bases")
    S[33] = F(0) if v is None else efficacy_points(2, v, *B("33.count"))
    # 34
    S[34] = F(2) if present(one("smart_site_system")) and rate_full(one("smart_site_online_rate")) else F(0)
    # 35
    v = ratio(one("service_value_added"), one("gdp"), 100)
    S[35] = F(0) if v is None else efficacy_points(3, v, *B("35.share"))
    # 36
    c, r = one("service_enterprises"), one("service_revenue")
    dsum = F(0)
    if c is not None:
        dsum += efficacy_d(c, *B("36.count"))
    if r is not None:
        dsum += efficacy_d(r, *B("36.revenue"))
    S[36] = F(3) * (dsum / 2) / 100
    # 37
    v = one("energy_intensity_reduction")
    S[37] = F(0) if v is None else efficacy_points(3, v, *B("37.reduction"))
    # 38
    g, t, p1, p2 = one("good_air_days"), one("total_days"), one("pm25_y1"), one("pm25_y2")
    if None in (g, t, p1, p2) or t == 0 or p2 == 0:
        S[38] = F(0)
    else:
        comp = F(4, 10) * (g / t * 100) + F(6, 10) * ((p2 - p1) / p2 * 100)
        S[38] = efficacy_points(3, comp, *B("38.composite"))
    # 39
    v = ratio(one("hightech_output"), one("industrial_output"), 100)
    S[39] = F(0) if v is None else efficacy_points(2, v, *B("39.share"))
    # 40 (resident_population is in 万人, so patents / population = per 10 000 people)
    v = ratio(one("invention_patents"), one("resident_population"))
    S[40] = F(0) if v is None else efficacy_points(2, v, *B("40.per_10k"))
    # 41
    v = ratio(one("tech_transaction_value"), one("gdp"), 100)
    S[41] = F(0) if v is None else efficacy_points(2, v, *B("41.share"))
    # 42
    award = {
        ("国家级", "一等奖"): F(3),
        ("国家级", "二等奖"): F(2),
        ("省级", "一等奖"): F(2),
        ("省级", "二等奖"): F(1),
        ("省级", "三等奖"): F(1, 2),
    }
    raw = F(0)
    for a in win(f.recs("tech_awards"), "date", 3):
        pts = award.get((a.get("level"), a.get("grade")))
        if pts is None:
            continue  # check error (grade the seed does not list)
        raw += pts if a.get("first_unit") is True else pts / 2
    S[42] = efficacy_points(3, raw, *B("42.points"))
    # 43
    counted = []
    for h in f.recs("quality_honors"):
        name = h.get("honor_name") or ""
        exempt = "中国质量奖" in name or "省长质量奖" in name
        if exempt or in_window(h.get("date"), ref, 3):
            counted.append(h)
    # One 获得单位 + 荣誉事项 is one honour, worth its best level however many counted records
    # name it (both levels, or twice at one level: 提名奖 then the award).  The 级别 field
    # decides, never the name.  A record missing either key stands alone.
    worth = {"国家级": F(3), "省级": F(2)}
    best = {}
    alone = []
    for h in counted:
        pts = worth.get(h.get("level"), F(0))
        recipient, matter = h.get("recipient"), h.get("matter")
        if present(recipient) and present(matter):
            key = (recipient, matter)
            best[key] = max(best.get(key, F(0)), pts)
        else:
            alone.append(pts)
    S[43] = min(F(9), sum(best.values(), F(0)) + sum(alone, F(0)))

    for i, p in POINTS.items():
        assert F(0) <= S[i] <= p, (i, S[i])
    return S


def official(x):
    """Exact value rounded half up (never to even) to 0.01."""
    cents = (x * 100 + F(1, 2)).__floor__()
    return Decimal(cents).scaleb(-2)


def exact_str(x):
    """Decimal string of x if it terminates within 30 places, else a rounded one with '~'."""
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d == 1:
        s = (Decimal(x.numerator) / Decimal(x.denominator)).normalize()
        return format(s, "f")
    return "~" + format((Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("1e-20")), "f")


def main(argv):
    facts_path, campaign_path = argv[1], argv[2]
    doc = json.load(open(facts_path, encoding="utf-8"))
    campaign = tomllib.load(open(campaign_path, "rb"))
    S = score_all(Facts(doc), campaign)
    out = {str(i): {"exact": exact_str(S[i]), "official": str(official(S[i]))} for i in sorted(S)}
    total = sum(official(S[i]) for i in S)
    res = {"indicators": out, "total": str(total)}
    if "--json" in argv:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        for i in sorted(S):
            print(f"{i:>2} {out[str(i)]['official']:>6}  {out[str(i)]['exact']}")
        print("total", total)


if __name__ == "__main__":
    main(sys.argv)
