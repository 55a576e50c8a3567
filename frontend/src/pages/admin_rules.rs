//! 规则版本 (administrator): every rule with its versions — dates, source, confirmed mark,
//! parameters, which is in force today — and the two changes an administrator makes: add a
//! version from a day on (today or later; it ends the versions it overlaps the day before) or
//! end a version. Nothing in the past is ever changed; the server checks it all again.

use quota_shared::api::{County, EndRuleVersion, Lang, NewRuleVersion, RuleInfo};
use quota_shared::jurisdiction::CountyCode;
use quota_shared::rules::{RuleId, RuleParams, RuleVersion};
use time::Date;
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::badge::unconfirmed;
use crate::components::form::bind;
use crate::components::format::{county_name, today};
use crate::components::status::failed;
use crate::i18n::{Key, t};

#[derive(Properties, PartialEq)]
pub struct RuleVersionsProps {
    pub counties: Vec<County>,
}

/// What a version sets, in words.
fn params_text(lang: Lang, p: &RuleParams, counties: &[County]) -> String {
    let mut parts = Vec::new();
    if let Some(step) = p.bid_step_yuan {
        parts.push(format!(
            "{}：{} 元",
            t(lang, Key::ParamStep),
            step.grouped()
        ));
    }
    if let (Some(percent), Some(round)) = (p.deposit_percent, p.deposit_rounding_yuan) {
        parts.push(format!(
            "{}：{percent}%，{} {} 元",
            t(lang, Key::ParamDeposit),
            t(lang, Key::ParamRoundTo),
            round.grouped()
        ));
    }
    if let Some(units) = &p.units {
        let names: Vec<String> = units
            .iter()
            .map(|c| county_name(lang, counties, c))
            .collect();
        parts.push(format!(
            "{}：{}",
            t(lang, Key::ParamUnits),
            names.join("、")
        ));
    }
    if let Some(marks) = &p.counties {
        let names: Vec<String> = marks
            .iter()
            .filter(|m| m.poverty_alleviated)
            .map(|m| {
                format!(
                    "{}{}",
                    county_name(lang, counties, &m.code),
                    if m.confirmed { "" } else { "（未核实）" }
                )
            })
            .collect();
        parts.push(format!(
            "{}：{}",
            t(lang, Key::ParamPoverty),
            names.join("、")
        ));
    }
    if let Some(cats) = &p.use_categories {
        let names: Vec<&str> = cats.iter().map(|c| c.name.as_str()).collect();
        parts.push(format!("{}：{}", t(lang, Key::ParamUses), names.join("、")));
    }
    if let (Some(a), Some(b)) = (p.announce_days, p.publicity_days) {
        parts.push(match lang {
            Lang::Zh => format!("公告 {a} 日，公示 {b} 日"),
            Lang::En => format!("announced {a} days, published {b} days"),
        });
    }
    if let Some(days) = p.reservation_days {
        parts.push(format!(
            "{}：{days} {}",
            t(lang, Key::ParamReservation),
            t(lang, Key::Days)
        ));
    }
    parts.join("；")
}

/// The add form's fields.
#[derive(Clone, PartialEq, Default)]
struct Draft {
    rule: String,
    from: String,
    confirmed: bool,
    citation: String,
    /// R4 step, R5 percent, R15 days.
    number: String,
    /// R5 rounding.
    second: String,
    /// R6/R7: the units ticked.
    units: Vec<CountyCode>,
    /// R12/R14: the JSON of the list.
    json: String,
}

impl Draft {
    /// Starts from the version in force (or the latest) of `rule`.
    fn for_rule(rule: RuleId, current: Option<&RuleVersion>, from: Date) -> Self {
        let p = current.map(|v| v.params.clone()).unwrap_or_default();
        let mut d = Draft {
            rule: rule.wire().to_string(),
            from: from.to_string(),
            confirmed: false,
            citation: String::new(),
            units: p.units.clone().unwrap_or_default(),
            ..Draft::default()
        };
        match rule {
            RuleId::R4 => d.number = p.bid_step_yuan.map(|m| m.to_string()).unwrap_or_default(),
            RuleId::R5 => {
                d.number = p.deposit_percent.map(|m| m.to_string()).unwrap_or_default();
                d.second = p
                    .deposit_rounding_yuan
                    .map(|m| m.to_string())
                    .unwrap_or_default();
            }
            RuleId::R15 => {
                d.number = p
                    .reservation_days
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            }
            RuleId::R16 => {
                d.number = p.announce_days.map(|n| n.to_string()).unwrap_or_default();
                d.second = p.publicity_days.map(|n| n.to_string()).unwrap_or_default();
            }
            RuleId::R12 => {
                d.json = serde_json::to_string_pretty(&p.use_categories.unwrap_or_default())
                    .unwrap_or_default()
            }
            RuleId::R14 => {
                d.json = serde_json::to_string_pretty(&p.counties.unwrap_or_default())
                    .unwrap_or_default()
            }
            _ => {}
        }
        d
    }

    /// The request, or what to fix (the server checks the rest).
    fn request(&self, lang: Lang) -> Result<(RuleId, NewRuleVersion), String> {
        let rule: RuleId = self
            .rule
            .parse()
            .map_err(|_| t(lang, Key::ChooseRule).to_string())?;
        let from: Date = Date::parse(
            self.from.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| t(lang, Key::DateFormat).to_string())?;
        if self.citation.trim().is_empty() {
            return Err(t(lang, Key::CitationRequired).to_string());
        }
        let bad = |key| t(lang, key).to_string();
        let mut params = RuleParams::default();
        match rule {
            RuleId::R4 => {
                params.bid_step_yuan = Some(
                    self.number
                        .trim()
                        .parse()
                        .map_err(|_| bad(Key::ParamStep))?,
                )
            }
            RuleId::R5 => {
                params.deposit_percent = Some(
                    self.number
                        .trim()
                        .parse()
                        .map_err(|_| bad(Key::ParamDeposit))?,
                );
                params.deposit_rounding_yuan = Some(
                    self.second
                        .trim()
                        .parse()
                        .map_err(|_| bad(Key::ParamRoundTo))?,
                );
            }
            RuleId::R15 => {
                params.reservation_days = Some(
                    self.number
                        .trim()
                        .parse()
                        .map_err(|_| bad(Key::ParamReservation))?,
                )
            }
            RuleId::R16 => {
                let days = |text: &str| {
                    text.trim().parse::<u32>().map_err(|_| match lang {
                        Lang::Zh => "公告期、公示期须为 0–90 的整数天".to_string(),
                        Lang::En => "The periods are whole days from 0 to 90".to_string(),
                    })
                };
                params.announce_days = Some(days(&self.number)?);
                params.publicity_days = Some(days(&self.second)?);
            }
            RuleId::R6 | RuleId::R7 => params.units = Some(self.units.clone()),
            RuleId::R12 => {
                params.use_categories = Some(
                    serde_json::from_str(&self.json)
                        .map_err(|e| format!("{}：{e}", bad(Key::ParamUses)))?,
                )
            }
            RuleId::R14 => {
                params.counties = Some(
                    serde_json::from_str(&self.json)
                        .map_err(|e| format!("{}：{e}", bad(Key::ParamPoverty)))?,
                )
            }
            _ => {}
        }
        Ok((
            rule,
            NewRuleVersion {
                effective_from: from,
                confirmed: self.confirmed,
                citation: self.citation.trim().to_string(),
                params,
            },
        ))
    }
}

#[component]
pub fn RuleVersions(props: &RuleVersionsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let rules = use_state(Vec::<RuleInfo>::new);
    let reload = use_state(|| 0u32);
    let problem = use_state(|| None::<ApiFailure>);
    let notice = use_state(|| None::<String>);
    let draft = use_state(Draft::default);
    let end_at = use_state(String::new);
    let end_problem = use_state(|| None::<String>);
    let day = today();
    {
        let (rules, problem) = (rules.clone(), problem.clone());
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move {
                match api::rules().await {
                    Ok(r) => rules.set(r.rules),
                    Err(e) => problem.set(Some(e)),
                }
            });
        });
    }
    let current = |id: RuleId| -> Option<RuleVersion> {
        let info = rules.iter().find(|r| r.id == id)?;
        info.versions
            .iter()
            .filter(|v| v.in_force_on(day))
            .max_by_key(|v| (v.effective_from, v.version))
            .cloned()
            .or_else(|| info.versions.last().cloned())
    };
    let start = |id: RuleId, from: Date, confirmed: bool| {
        let (draft, current) = (draft.clone(), current(id));
        Callback::from(move |_: MouseEvent| {
            let mut d = Draft::for_rule(id, current.as_ref(), from);
            d.confirmed = confirmed;
            draft.set(d);
        })
    };
    let pick_rule = {
        let (draft, rules) = (draft.clone(), rules.clone());
        Callback::from(move |e: Event| {
            let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let Ok(id) = s.value().parse::<RuleId>() else {
                return;
            };
            // Start from the version in force today (else the latest), from tomorrow unless a
            // day was typed already.
            let info = rules.iter().find(|r| r.id == id);
            let current = info.and_then(|r| {
                r.versions
                    .iter()
                    .filter(|v| v.in_force_on(day))
                    .max_by_key(|v| (v.effective_from, v.version))
                    .or_else(|| r.versions.last())
                    .cloned()
            });
            let typed = draft.from.clone();
            let mut d = Draft::for_rule(id, current.as_ref(), day.next_day().unwrap_or(day));
            if !typed.trim().is_empty() {
                d.from = typed;
            }
            draft.set(d);
        })
    };
    let field = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| {
                    e.target_dyn_into::<web_sys::HtmlTextAreaElement>()
                        .map(|i| i.value())
                });
            if let Some(v) = value {
                let mut d = (*draft).clone();
                apply(&mut d, v);
                draft.set(d);
            }
        })
    };
    let toggle_confirmed = {
        let draft = draft.clone();
        Callback::from(move |_: Event| {
            let mut d = (*draft).clone();
            d.confirmed = !d.confirmed;
            draft.set(d);
        })
    };
    let toggle_unit = |code: CountyCode| {
        let draft = draft.clone();
        Callback::from(move |_: Event| {
            let mut d = (*draft).clone();
            if let Some(i) = d.units.iter().position(|c| *c == code) {
                d.units.remove(i);
            } else {
                d.units.push(code.clone());
            }
            draft.set(d);
        })
    };
    let request = draft.request(lang);
    let submit = {
        let (request, problem, notice, reload, draft) = (
            request.clone(),
            problem.clone(),
            notice.clone(),
            reload.clone(),
            draft.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok((rule, body)) = request.clone() else {
                return;
            };
            let (problem, notice, reload, draft) = (
                problem.clone(),
                notice.clone(),
                reload.clone(),
                draft.clone(),
            );
            yew::platform::spawn_local(async move {
                match api::add_rule_version(rule, &body).await {
                    Ok(v) => {
                        notice.set(Some(format!(
                            "{}：{}（{} 起）",
                            t(lang, Key::VersionAdded),
                            v.version.label(),
                            v.version.effective_from
                        )));
                        problem.set(None);
                        draft.set(Draft::default());
                        reload.set(*reload + 1);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };
    let end = |v: &RuleVersion| {
        let (rule, version) = (v.rule, v.version);
        let (end_at, problem, notice, reload) = (
            end_at.clone(),
            problem.clone(),
            notice.clone(),
            reload.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Ok(to) = Date::parse(
                end_at.trim(),
                time::macros::format_description!("[year]-[month]-[day]"),
            ) else {
                notice.set(Some(t(lang, Key::DateFormat).to_string()));
                return;
            };
            let (problem, notice, reload) = (problem.clone(), notice.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::end_rule_version(rule, version, &EndRuleVersion { effective_to: to })
                    .await
                {
                    Ok(v) => {
                        notice.set(Some(format!(
                            "{}：{}（{}）",
                            t(lang, Key::VersionEnded),
                            v.version.label(),
                            to
                        )));
                        problem.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };
    let counties = &props.counties;
    let chosen: Option<RuleId> = draft.rule.parse().ok();
    html! {
        <section class="card" id="rule-versions">
            <h2>{ t(lang, Key::RulesHeading) }</h2>
            <p class="hint">{ t(lang, Key::RulesHint) }</p>
            { match &*problem { Some(e) => html! { <div id="rules-error">{ failed(lang, e, None) }</div> }, None => html! {} } }
            { match &*notice { Some(n) => html! { <p class="ok" id="rules-notice">{ n.clone() }</p> }, None => html! {} } }
            <div class="form">
                <label>{ t(lang, Key::EndOn) }<input id="end-at" placeholder="2026-12-31" value={(*end_at).clone()} oninput={bind(&end_at)} /></label>
                { match &*end_problem { Some(m) => html! { <p class="error form-note" id="end-check">{ m.clone() }</p> }, None => html! {} } }
            </div>
            <div class="table-wrap"><table class="data" id="rules">
                <thead><tr><th>{ t(lang, Key::ColVersion) }</th><th>{ t(lang, Key::ColInForce) }</th><th>{ t(lang, Key::ColSource) }</th><th>{ t(lang, Key::ColParams) }</th><th></th></tr></thead>
                { for rules.iter().map(|r| html! {
                    <tbody data-rule={r.id.to_string()}>
                    <tr class="rule-head"><th colspan="5"><span class="mono">{ r.id.to_string() }</span>{ " " }{ match lang { Lang::Zh => r.title_zh.clone(), Lang::En => r.title_en.clone() } }</th></tr>
                    { for r.versions.iter().map(|v| {
                        let now = v.in_force_on(day);
                        let open = v.effective_to.is_none_or(|to| to >= day) && v.effective_to.is_none_or(|to| to >= v.effective_from);
                        html! {
                        <tr data-version={v.label()} class={classes!(now.then_some("current"))}>
                            <td class="mono nowrap">{ v.label() }{ if now { html! { <span class="badge ok">{ t(lang, Key::InForceToday) }</span> } } else { html! {} } }</td>
                            <td class="nowrap">{ if v.effective_to.is_some_and(|to| to < v.effective_from) {
                                format!("{}（{}）", v.effective_from, t(lang, Key::NeverInForce))
                            } else {
                                format!("{} — {}", v.effective_from, v.effective_to.map(|d| d.to_string()).unwrap_or_default())
                            } }</td>
                            <td class="citation">{ v.citation.clone() }{ if v.confirmed { html! {} } else { unconfirmed(lang) } }</td>
                            <td class="params">{ params_text(lang, &v.params, counties) }</td>
                            <td class="nowrap">
                                { if open && r.id.can_end() { html! { <button class="link end-version" onclick={end(v)}>{ t(lang, Key::EndVersion) }</button> } } else { html! {} } }
                                { if open && !v.confirmed && r.versions.last().is_some_and(|last| last.version == v.version) { html! { <button class="link confirm-version" onclick={start(r.id, day.next_day().unwrap_or(day), true)}>{ t(lang, Key::ConfirmVersion) }</button> } } else { html! {} } }
                            </td>
                        </tr>
                    }}) }
                    </tbody>
                }) }
            </table></div>
            <h3>{ t(lang, Key::AddVersionHeading) }</h3>
            <form class="form" onsubmit={submit} id="version-form">
                <label>{ t(lang, Key::ColRule) }
                    <select id="version-rule" onchange={pick_rule}>
                        <option value="" selected={draft.rule.is_empty()}>{ "—" }</option>
                        { for rules.iter().map(|r| html! { <option value={r.id.to_string()} selected={draft.rule == r.id.wire()}>{ format!("{} {}", r.id, match lang { Lang::Zh => &r.title_zh, Lang::En => &r.title_en }.chars().take(18).collect::<String>()) }</option> }) }
                    </select>
                </label>
                <label>{ t(lang, Key::EffectiveFrom) }<input id="version-from" placeholder="2027-01-01" value={draft.from.clone()} oninput={field(|d, v| d.from = v)} /></label>
                <label class="check"><input type="checkbox" id="version-confirmed" checked={draft.confirmed} onchange={toggle_confirmed} />{ t(lang, Key::SourceConfirmed) }</label>
                <label class="wide">{ t(lang, Key::ColSource) }<input id="version-citation" value={draft.citation.clone()} oninput={field(|d, v| d.citation = v)} /></label>
                { match chosen {
                    Some(RuleId::R4) => html! { <label>{ t(lang, Key::ParamStep) }<input id="version-number" inputmode="decimal" value={draft.number.clone()} oninput={field(|d, v| d.number = v)} /></label> },
                    Some(RuleId::R5) => html! { <>
                        <label>{ t(lang, Key::ParamDeposit) }<input id="version-number" inputmode="decimal" value={draft.number.clone()} oninput={field(|d, v| d.number = v)} /></label>
                        <label>{ t(lang, Key::ParamRoundTo) }<input id="version-second" inputmode="decimal" value={draft.second.clone()} oninput={field(|d, v| d.second = v)} /></label>
                    </> },
                    Some(RuleId::R15) => html! { <label>{ t(lang, Key::ParamReservation) }<input id="version-number" inputmode="numeric" value={draft.number.clone()} oninput={field(|d, v| d.number = v)} /></label> },
                    Some(RuleId::R16) => html! { <>
                        <label>{ match lang { Lang::Zh => "挂牌公告期（日）", Lang::En => "Announcement (days)" } }<input id="version-number" inputmode="numeric" value={draft.number.clone()} oninput={field(|d, v| d.number = v)} /></label>
                        <label>{ match lang { Lang::Zh => "成交公示期（日）", Lang::En => "Publicity (days)" } }<input id="version-second" inputmode="numeric" value={draft.second.clone()} oninput={field(|d, v| d.second = v)} /></label>
                    </> },
                    Some(RuleId::R6 | RuleId::R7) => html! {
                        <fieldset class="units" id="version-units"><legend>{ t(lang, Key::ParamUnits) }</legend>
                            { for counties.iter().map(|c| html! {
                                <label class="check"><input type="checkbox" value={c.code.to_string()} checked={draft.units.contains(&c.code)} onchange={toggle_unit(c.code.clone())} />{ county_name(lang, counties, &c.code) }</label>
                            }) }
                        </fieldset>
                    },
                    Some(RuleId::R12 | RuleId::R14) => html! {
                        <label class="wide">{ t(lang, if chosen == Some(RuleId::R12) { Key::ParamUses } else { Key::ParamPoverty }) }
                            <textarea id="version-json" rows="8" value={draft.json.clone()} oninput={field(|d, v| d.json = v)} /></label>
                    },
                    _ => html! {},
                } }
                { match (&request, draft.rule.is_empty()) { (Err(m), false) => html! { <p class="error form-note" id="version-check">{ m.clone() }</p> }, _ => html! {} } }
                <button type="submit" class="primary" id="version-submit" disabled={request.is_err()}>{ t(lang, Key::AddVersion) }</button>
            </form>
        </section>
    }
}
