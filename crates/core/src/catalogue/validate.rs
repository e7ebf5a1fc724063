//! Validation of a loaded catalogue against 附件2's shape and against itself: every problem
//! is a Chinese sentence naming the indicator, fact, list or field it concerns.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::rule::item_fields;
use super::{
    ALL_MEMBERS, CATEGORY_COUNT, Catalogue, Counter, Dedupe, Expr, FieldKind, FixedEnd,
    INDICATOR_COUNT, Indicator, Rule, SERIES_SECTIONS, SUBCATEGORY_COUNT, TotalCheck,
};
use crate::units::Roster;

impl Catalogue {
    /// Check the catalogue against 附件2's shape and itself, resolving responsible units to
    /// canonical names. Returns every problem found (empty when valid).
    pub fn validate(&mut self, roster: &Roster) -> Vec<String> {
        let mut problems = Vec::new();
        self.validate_shape(&mut problems);
        self.validate_definitions(&mut problems);
        for indicator in &mut self.indicators {
            for unit in &mut indicator.responsible {
                if ALL_MEMBERS.contains(&unit.as_str()) {
                    continue;
                }
                match roster.resolve(unit) {
                    Some(u) => *unit = u.name.clone(),
                    None => problems.push(format!(
                        "指标{}：责任单位“{unit}”不在专班名单中",
                        indicator.id
                    )),
                }
            }
        }
        for indicator in &self.indicators {
            self.validate_indicator(indicator, &mut problems);
        }
        self.validate_identities(&mut problems);
        self.validate_fixed_ends(&mut problems);
        for series in &mut self.series {
            match roster.resolve(&series.responsible) {
                Some(u) => series.responsible = u.name.clone(),
                None => problems.push(format!(
                    "年度数据系列“{}”：报送单位“{}”不在专班名单中",
                    series.key, series.responsible
                )),
            }
        }
        self.validate_series(&mut problems);
        problems
    }

    /// Two records are duplicates only when every field scoring reads is equal (scoring.md,
    /// Merging): each list's `identity` must include them all, dates and levels included.
    fn validate_identities(&self, problems: &mut Vec<String>) {
        for l in &self.lists {
            if l.identity.is_empty() {
                continue; // all fields identify the record
            }
            for f in self.scoring_fields(&l.key) {
                if !l.identity.contains(&f) {
                    problems.push(format!(
                        "清单“{}”：计分要读取的字段“{f}”未列入识别字段（identity），只在该字段上不同的两条记录会被误作重复而只计一条",
                        l.key
                    ));
                }
            }
        }
    }

    /// A benchmark end fixed by the 评分方法 needs its words, and one benchmark key used
    /// by several rules must be fixed the same way everywhere.
    fn validate_fixed_ends(&self, problems: &mut Vec<String>) {
        let mut seen: Vec<(&str, Option<&FixedEnd>, u32)> = Vec::new();
        for i in &self.indicators {
            for (key, fixed) in i.rule.benchmark_parts() {
                if let Some(f) = fixed {
                    let value = f.value.normalize().to_string();
                    if f.text.trim().is_empty() {
                        problems.push(format!(
                            "指标{}：基准“{key}”由评分方法规定的一端缺少说明文字（fixed.text）",
                            i.id
                        ));
                    } else if !f.text.contains(&value) {
                        // The words are printed as the rule's value: they must show this one.
                        problems.push(format!(
                            "指标{}：基准“{key}”由评分方法规定的{}为{value}，说明文字“{}”中却没有这个数",
                            i.id,
                            f.end.name(),
                            f.text
                        ));
                    }
                }
                match seen.iter().find(|(k, ..)| *k == key) {
                    Some((_, other, id)) if *other != fixed => problems.push(format!(
                        "指标{}：基准“{key}”由评分方法规定的一端（fixed）与指标{id}中的写法不一致",
                        i.id
                    )),
                    Some(_) => {}
                    None => seen.push((key, fixed, i.id)),
                }
            }
        }
    }

    fn validate_shape(&self, problems: &mut Vec<String>) {
        if self.categories.len() != CATEGORY_COUNT {
            problems.push(format!(
                "类别：应为{CATEGORY_COUNT}个一级类别，现为{}个",
                self.categories.len()
            ));
        }
        let subs: usize = self.categories.iter().map(|c| c.subcategories.len()).sum();
        if subs != SUBCATEGORY_COUNT {
            problems.push(format!("二级指标：应为{SUBCATEGORY_COUNT}个，现为{subs}个"));
        }
        let ids: Vec<u32> = self.indicators.iter().map(|i| i.id).collect();
        let expected: Vec<u32> = (1..=INDICATOR_COUNT).collect();
        if ids != expected {
            problems.push(format!(
                "指标序号：应为1至{INDICATOR_COUNT}依次排列，现为{}",
                ids.iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        let mut total = Decimal::ZERO;
        for category in &self.categories {
            total = total.saturating_add(category.points);
            let mut category_sum = Decimal::ZERO;
            for sub in &category.subcategories {
                category_sum = category_sum.saturating_add(sub.points);
                let sum: Decimal = self
                    .indicators
                    .iter()
                    .filter(|i| i.category == category.name && i.subcategory == sub.name)
                    .map(|i| i.points)
                    .fold(Decimal::ZERO, Decimal::saturating_add);
                if sum != sub.points {
                    problems.push(format!(
                        "二级指标“{}”：所含指标分值合计{}与其分值{}不符",
                        sub.name,
                        sum.normalize(),
                        sub.points.normalize()
                    ));
                }
            }
            if category_sum != category.points {
                problems.push(format!(
                    "类别“{}”：二级指标分值合计{}与其分值{}不符",
                    category.name,
                    category_sum.normalize(),
                    category.points.normalize()
                ));
            }
        }
        if total != Decimal::ONE_HUNDRED {
            problems.push(format!(
                "总分：各类别分值合计{}，应为100",
                total.normalize()
            ));
        }
    }

    fn validate_definitions(&self, problems: &mut Vec<String>) {
        let mut keys = BTreeSet::new();
        for f in &self.facts {
            if !keys.insert(f.key.as_str()) {
                problems.push(format!("事实定义：键“{}”重复", f.key));
            }
            if f.kind == FieldKind::Choice && f.options.is_empty() {
                problems.push(format!("事实“{}”：选择型字段缺少可选项（options）", f.key));
            }
            if f.label.trim().is_empty() {
                problems.push(format!("事实“{}”：缺少中文名称（label）", f.key));
            }
        }
        for l in &self.lists {
            if !keys.insert(l.key.as_str()) {
                problems.push(format!("清单定义：键“{}”重复", l.key));
            }
            let mut fields = BTreeSet::new();
            for field in &l.fields {
                if !fields.insert(field.key.as_str()) {
                    problems.push(format!("清单“{}”：字段“{}”重复", l.key, field.key));
                }
                if field.kind == FieldKind::Choice && field.options.is_empty() {
                    problems.push(format!(
                        "清单“{}”字段“{}”：选择型字段缺少可选项（options）",
                        l.key, field.key
                    ));
                }
            }
            for id in &l.identity {
                if !fields.contains(id.as_str()) {
                    problems.push(format!("清单“{}”：识别字段“{id}”未定义", l.key));
                }
            }
            if let Some(d) = &l.date_field {
                match l.fields.iter().find(|f| &f.key == d) {
                    Some(f) if f.kind == FieldKind::Date => {}
                    _ => problems.push(format!("清单“{}”：日期字段“{d}”未定义或不是日期型", l.key)),
                }
            }
        }
    }

    /// One indicator: its place in the breakdown, its text and units, the rule's maximum, and
    /// every fact, list, field and benchmark key the rule refers to.
    fn validate_indicator(&self, indicator: &Indicator, problems: &mut Vec<String>) {
        let id = indicator.id;
        match self
            .categories
            .iter()
            .find(|c| c.name == indicator.category)
        {
            None => problems.push(format!("指标{id}：类别“{}”未定义", indicator.category)),
            Some(c)
                if !c
                    .subcategories
                    .iter()
                    .any(|s| s.name == indicator.subcategory) =>
            {
                problems.push(format!(
                    "指标{id}：二级指标“{}”不属于类别“{}”",
                    indicator.subcategory, indicator.category
                ));
            }
            Some(_) => {}
        }
        if indicator.text.trim().is_empty() {
            problems.push(format!("指标{id}：缺少指标内容及评分方法（text）"));
        }
        if indicator.responsible.is_empty() {
            problems.push(format!("指标{id}：缺少责任单位（responsible）"));
        }
        match indicator.rule.max() {
            Some(max) if max == indicator.points => {}
            Some(max) => problems.push(format!(
                "指标{id}：评分规则最高分 {} 与分值 {} 不符",
                max.normalize(),
                indicator.points.normalize()
            )),
            None => problems.push(format!(
                "指标{id}：评分规则没有上限（按个计分的部分须设 cap 或放在有 cap 的 sum 中）"
            )),
        }
        for key in &indicator.facts {
            if self.fact(key).is_none() {
                problems.push(format!("指标{id}：facts 中的事实“{key}”未定义"));
            }
        }
        for key in &indicator.lists {
            if self.list(key).is_none() {
                problems.push(format!("指标{id}：lists 中的清单“{key}”未定义"));
            }
        }
        for key in indicator.rule.fact_keys() {
            if self.fact(key).is_none() {
                problems.push(format!("指标{id}：评分规则引用的事实“{key}”未定义"));
            } else if !indicator.facts.iter().any(|k| k == key) {
                problems.push(format!("指标{id}：评分规则引用的事实“{key}”未列入 facts"));
            }
        }
        for counter in indicator.rule.counters() {
            self.validate_counter(indicator, counter, problems);
        }
        for (list, item) in indicator.rule.items() {
            let Some(list) = self.list(list) else {
                continue;
            };
            for field in item_fields(item) {
                if !list.fields.iter().any(|f| f.key == field) {
                    problems.push(format!(
                        "指标{id}：得分依据列出记录的写法（item）引用的字段“{}.{field}”未定义",
                        list.key
                    ));
                }
            }
        }
        self.validate_choices(id, &indicator.rule, problems);
        if let Some(check) = &indicator.total_check {
            self.validate_total_check(id, check, problems);
        }
        for key in indicator.rule.benchmark_keys() {
            if key.trim().is_empty() {
                problems.push(format!("指标{id}：功效系数法规则缺少基准键（benchmark）"));
            }
        }
    }

    /// A rule's record counter: its list, dedupe note, window date field and the fields its
    /// filters read, with filter values that fit the field.
    fn validate_counter(
        &self,
        indicator: &Indicator,
        counter: &Counter,
        problems: &mut Vec<String>,
    ) {
        let id = indicator.id;
        let Some(list) = self.list(&counter.list) else {
            problems.push(format!(
                "指标{id}：评分规则引用的清单“{}”未定义",
                counter.list
            ));
            return;
        };
        if !indicator.lists.contains(&counter.list) {
            problems.push(format!(
                "指标{id}：评分规则引用的清单“{}”未列入 lists",
                counter.list
            ));
        }
        if let Some(d) = &counter.dedupe
            && !d.note.contains(Dedupe::COUNT)
        {
            problems.push(format!(
                "指标{id}：清单“{}”的去重规则（dedupe）缺少得分依据中的说明（note），或说明中没有表示重复条数的“{}”",
                list.key,
                Dedupe::COUNT
            ));
        }
        if counter.window.is_some() && list.date_field.is_none() {
            problems.push(format!(
                "指标{id}：清单“{}”按时间窗口统计，但未指定日期字段（date_field）",
                list.key
            ));
        }
        for field in counter.field_refs() {
            if !list.fields.iter().any(|f| f.key == field) {
                problems.push(format!(
                    "指标{id}：评分规则引用的字段“{}.{field}”未定义",
                    list.key
                ));
            }
        }
        for f in &counter.filter {
            if let Some(def) = list.fields.iter().find(|d| d.key == f.field) {
                if !f.fits(def.kind) {
                    problems.push(format!(
                        "指标{id}：字段“{}.{}”的类型与筛选条件不符",
                        list.key, f.field
                    ));
                }
                for v in f.eq.iter().chain(f.one_of.iter()) {
                    if def.kind == FieldKind::Choice && !def.options.contains(v) {
                        problems.push(format!(
                            "指标{id}：筛选值“{v}”不在字段“{}.{}”的可选项内",
                            list.key, f.field
                        ));
                    }
                }
            }
        }
    }

    /// A reported total checked against its list: the fact, the list and a numeric field.
    fn validate_total_check(&self, id: u32, check: &TotalCheck, problems: &mut Vec<String>) {
        if self.fact(&check.fact).is_none() {
            problems.push(format!(
                "指标{id}：合计核对引用的事实“{}”未定义",
                check.fact
            ));
        }
        match self.list(&check.records.list) {
            None => problems.push(format!(
                "指标{id}：合计核对引用的清单“{}”未定义",
                check.records.list
            )),
            Some(list) => {
                let numeric = list.fields.iter().any(|f| {
                    f.key == check.field && matches!(f.kind, FieldKind::Number | FieldKind::Count)
                });
                if !numeric {
                    problems.push(format!(
                        "指标{id}：合计核对字段“{}.{}”未定义或不是数值",
                        list.key, check.field
                    ));
                }
                for field in check.records.field_refs() {
                    if !list.fields.iter().any(|f| f.key == field) {
                        problems.push(format!(
                            "指标{id}：合计核对引用的字段“{}.{field}”未定义",
                            list.key
                        ));
                    }
                }
            }
        }
    }

    /// Level values, deduction fields and points-table filters must name existing fields
    /// and options, or a typo would silently score 0.
    fn validate_choices(&self, id: u32, rule: &Rule, problems: &mut Vec<String>) {
        use Rule as R;
        let list_field = |list: &str, field: &str| {
            self.list(list)
                .and_then(|l| l.fields.iter().find(|f| f.key == field))
        };
        let mut check_values =
            |what: &str, options: Option<&[String]>, values: Vec<&String>| match options {
                None => problems.push(format!("指标{id}：评分规则引用的字段“{what}”未定义")),
                Some(options) => {
                    for v in values {
                        if !options.contains(v) {
                            problems.push(format!("指标{id}：等级“{v}”不在“{what}”的可选项内"));
                        }
                    }
                }
            };
        match rule {
            R::Level { fact, levels, .. } => check_values(
                fact,
                self.fact(fact).map(|f| f.options.as_slice()),
                levels.iter().map(|l| &l.value).collect(),
            ),
            R::MaxLevel {
                records,
                field,
                levels,
                ..
            } => check_values(
                &format!("{}.{field}", records.list),
                list_field(&records.list, field).map(|f| f.options.as_slice()),
                levels.iter().map(|l| &l.value).collect(),
            ),
            R::Deduct { records, field, .. } => match list_field(&records.list, field) {
                Some(f) if f.kind == FieldKind::Choice && !f.options.is_empty() => {}
                _ => problems.push(format!(
                    "指标{id}：扣分规则的字段“{}.{field}”须为有可选项的选择型字段",
                    records.list
                )),
            },
            R::Efficacy {
                value:
                    Expr::RecordPoints {
                        records,
                        table,
                        factor,
                        unlisted,
                    },
                ..
            } => {
                for row in table {
                    for f in &row.filter {
                        let values: Vec<&String> = f.eq.iter().chain(f.one_of.iter()).collect();
                        check_values(
                            &format!("{}.{}", records.list, f.field),
                            list_field(&records.list, &f.field).map(|d| d.options.as_slice()),
                            values,
                        );
                    }
                }
                if let Some(factor) = factor
                    && list_field(&records.list, &factor.unless).map(|f| f.kind)
                        != Some(FieldKind::Bool)
                {
                    problems.push(format!(
                        "指标{id}：折算条件字段“{}.{}”须为是/否字段",
                        records.list, factor.unless
                    ));
                }
                if unlisted.trim().is_empty() {
                    problems.push(format!(
                        "指标{id}：记录折算分规则缺少 unlisted（评分方法列出了哪些级别、等级）；不在折算表内的记录不计分并报错，报错时须说明这一点"
                    ));
                }
            }
            R::Sum { parts, .. } | R::Max { parts, .. } => {
                for p in parts {
                    self.validate_choices(id, p, problems);
                }
            }
            _ => {}
        }
    }

    /// Problems of the `[[series]]` declarations.
    fn validate_series(&self, problems: &mut Vec<String>) {
        let mut seen = BTreeSet::new();
        for s in &self.series {
            let at = format!("年度数据系列“{}”", s.key);
            if !seen.insert(s.key.as_str()) {
                problems.push(format!("{at}重复定义"));
            }
            if s.label.trim().is_empty() || s.unit.trim().is_empty() {
                problems.push(format!("{at}缺少名称（label）或计量单位（unit）"));
            }
            if !SERIES_SECTIONS.contains(&s.section.as_str()) {
                problems.push(format!(
                    "{at}的章节（section）“{}”不是年度报告的章节（应为：{}）",
                    s.section,
                    SERIES_SECTIONS.join("、")
                ));
            }
            for key in s.fact_keys() {
                match self.fact(key) {
                    None => problems.push(format!("{at}引用的事实“{key}”未在 [[facts]] 中定义")),
                    Some(f)
                        if !matches!(
                            f.kind,
                            FieldKind::Number | FieldKind::Count | FieldKind::Rate
                        ) =>
                    {
                        problems.push(format!("{at}引用的事实“{key}”不是数值，不能作为系列的数值"));
                    }
                    Some(_) => {}
                }
            }
            if let Some(r) = &s.ratio {
                let off = |k: &str| self.fact(k).and_then(|f| f.year_offset);
                if off(&r.num) != off(&r.den) {
                    problems.push(format!("{at}的比值（ratio）分子与分母不是同一年度的事实"));
                }
                if r.scale <= Decimal::ZERO {
                    problems.push(format!("{at}的比值倍数（scale）应大于0"));
                }
            }
        }
    }
}
