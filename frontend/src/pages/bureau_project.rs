//! One reclamation project in the bureau console: its plots drawn as SVG outlines (no map
//! tiles: the offline county office sees them too) with their geodesic areas against the
//! claimed reclaimed area, the GeoJSON upload that replaces them, and the listings drawn on it.

use quota_shared::api::{Lang, PLOTS_TOLERANCE_PERCENT, Plot, ProjectResponse};
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::api::ApiFailure;
use crate::components::status::failed;
use crate::i18n::words;
use crate::route::Route;
use crate::stock_api;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
    /// Plots were uploaded: the register reads the project's figures again.
    pub on_changed: Callback<()>,
    pub on_close: Callback<MouseEvent>,
}

#[component]
pub fn ProjectDetail(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    // Keyed by the project's id: an answer for a project no longer open is not shown.
    let project = use_state(|| None::<(i64, Result<ProjectResponse, ApiFailure>)>);
    let upload = use_state(|| None::<(i64, Result<String, ApiFailure>)>);
    let busy = use_state(|| false);
    let panel = use_node_ref();
    {
        // Opened from a row of the register: brought into view.
        let panel = panel.clone();
        use_effect_with(props.id, move |_| {
            if let Some(e) = panel.cast::<web_sys::Element>() {
                e.scroll_into_view();
            }
        });
    }
    {
        let (project, upload) = (project.clone(), upload.clone());
        use_effect_with(props.id, move |id| {
            let id = *id;
            project.set(None);
            upload.set(None);
            yew::platform::spawn_local(async move {
                project.set(Some((id, stock_api::project(id).await)));
            });
        });
    }
    let pick = {
        let (project, upload, busy, changed, id) = (
            project.clone(),
            upload.clone(),
            busy.clone(),
            props.on_changed.clone(),
            props.id,
        );
        Callback::from(move |e: Event| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>();
            let Some(file) = input
                .as_ref()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            if let Some(i) = input {
                // The same file may be chosen again after it is mended.
                i.set_value("");
            }
            let (project, upload, busy, changed) = (
                project.clone(),
                upload.clone(),
                busy.clone(),
                changed.clone(),
            );
            busy.set(true);
            yew::platform::spawn_local(async move {
                match stock_api::upload_plots(id, &file).await {
                    Ok(r) => {
                        upload.set(Some((
                            id,
                            Ok(words(
                                lang,
                                format!("已上传 {} 个地块", r.plots.len()),
                                format!("{} plots uploaded", r.plots.len()),
                            )),
                        )));
                        project.set(Some((id, Ok(r))));
                        changed.emit(());
                    }
                    Err(e) => upload.set(Some((id, Err(e)))),
                }
                busy.set(false);
            });
        })
    };
    let id = props.id;
    let uploaded = upload.as_ref().filter(|(of, _)| *of == id).map(|(_, r)| r);
    let body = match project.as_ref().filter(|(of, _)| *of == id).map(|(_, r)| r) {
        None => html! { <p class="muted">{ words(lang, "加载中…", "Loading…") }</p> },
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(r)) => {
            let p = &r.project;
            let summary = match p.plots_mu {
                None => html! { <p class="empty" id="plots-empty">{ words(lang,
                "尚未上传地块边界。请上传 GeoJSON（WGS84 或 CGCS2000 经纬度），系统按椭球面计算各地块面积。",
                "No plot boundaries yet. Upload GeoJSON (WGS 84 or CGCS2000 degrees); each plot's area is computed on the ellipsoid.") }</p> },
                Some(total) => html! {
                    <p id="plots-summary">
                        { words(lang,
                            format!("地块合计 {} 亩，申报复垦面积 {} 亩", total.grouped(), p.reclaimed_mu.grouped()),
                            format!("Plots add up to {} mu; reclaimed area claimed {} mu", total.grouped(), p.reclaimed_mu.grouped())) }
                        { if p.plots_flagged { html! {
                            <span class="badge danger" id="plots-flag">{ words(lang,
                                format!("相差超过 {PLOTS_TOLERANCE_PERCENT}%，请核实地块或复垦面积"),
                                format!("off by more than {PLOTS_TOLERANCE_PERCENT} %: check the plots or the area")) }</span>
                        } } else { html! {
                            <span class="badge ok">{ words(lang, format!("相差在 {PLOTS_TOLERANCE_PERCENT}% 以内"), format!("within {PLOTS_TOLERANCE_PERCENT} %")) }</span>
                        } } }
                    </p>
                },
            };
            html! { <>
                <h3>{ format!("{} {}", p.registration_no, p.name) }</h3>
                { summary }
                { if r.plots.is_empty() { html! {} } else { html! {
                    <div class="plots">
                        { outline(lang, &r.plots) }
                        <table class="data" id="plots">
                            <thead><tr><th>{ "#" }</th><th>{ words(lang, "地块", "Plot") }</th><th class="num">{ words(lang, "面积（亩）", "Area (mu)") }</th></tr></thead>
                            <tbody>{ for r.plots.iter().enumerate().map(|(n, plot)| html! {
                                <tr><td>{ n + 1 }</td><td>{ plot.name.clone() }</td><td class="num">{ plot.area_mu.grouped() }</td></tr>
                            }) }</tbody>
                        </table>
                    </div>
                } } }
                <label class="file">{ words(lang, "上传地块边界（GeoJSON，替换现有地块）", "Upload plot boundaries (GeoJSON; replaces the plots)") }
                    <input type="file" id="plots-file" accept=".geojson,.json,application/geo+json,application/json" onchange={pick} disabled={*busy} />
                </label>
                { if *busy { html! { <p class="muted">{ words(lang, "正在计算面积…", "Computing areas…") }</p> } } else { html! {} } }
                { match uploaded {
                    Some(Ok(m)) => html! { <p class="notice" role="status" id="plots-uploaded">{ m.clone() }</p> },
                    Some(Err(e)) => html! { <div id="plots-problem">{ failed(lang, e, None) }</div> },
                    None => html! {},
                } }
                <h4>{ words(lang, "从本项目挂牌的指标", "Listings drawn on this project") }</h4>
                { if r.draws.is_empty() {
                    html! { <p class="empty">{ words(lang, "尚无挂牌", "None yet") }</p> }
                } else { html! {
                    <table class="data" id="draws">
                        <thead><tr>
                            <th>{ words(lang, "挂牌", "Listing") }</th><th>{ words(lang, "状态", "Status") }</th>
                            <th class="num">{ words(lang, "取用（亩）", "Drawn (mu)") }</th><th class="num">{ words(lang, "占用（亩）", "Held (mu)") }</th>
                            <th>{ words(lang, "挂牌日期", "Listed") }</th>
                        </tr></thead>
                        <tbody>{ for r.draws.iter().map(|d| html! {
                            <tr>
                                <td><Link<Route> to={Route::Buy { id: d.listing_id }}>{ format!("#{}", d.listing_id) }</Link<Route>>
                                    { if d.advance { html! { <span class="badge warn">{ words(lang, "预支", "advance") }</span> } } else { html! {} } }</td>
                                <td>{ match lang { Lang::Zh => d.status.label_zh().to_string(), Lang::En => d.status.wire().to_string() } }</td>
                                <td class="num">{ d.area_mu.grouped() }</td>
                                <td class="num">{ d.held_mu.grouped() }</td>
                                <td>{ d.listed_at.date().to_string() }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                } } }
            </> }
        }
    };
    html! {
        <div class="card sub" id="project-detail" ref={panel}>
            <button class="link close" onclick={props.on_close.clone()}>{ words(lang, "关闭", "Close") }</button>
            { body }
        </div>
    }
}

/// Width and height of the drawing, in SVG units.
const W: f64 = 480.0;
const H: f64 = 300.0;
const PAD: f64 = 24.0;

/// The plots as outlines, north up, in an equirectangular view scaled by the cosine of the
/// middle latitude (true to shape at a village's size), with a scale bar and each plot's number.
fn outline(lang: Lang, plots: &[Plot]) -> Html {
    let points = || {
        plots
            .iter()
            .flat_map(|p| p.polygons.iter().flatten().flatten())
            .filter_map(|pos| Some((*pos.first()?, *pos.get(1)?)))
    };
    let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (lon, lat) in points() {
        west = west.min(lon);
        east = east.max(lon);
        south = south.min(lat);
        north = north.max(lat);
    }
    if west > east {
        return html! {};
    }
    let shrink = ((south + north) / 2.0).to_radians().cos();
    let (span_x, span_y) = (
        ((east - west) * shrink).max(1e-9),
        (north - south).max(1e-9),
    );
    let scale = ((W - 2.0 * PAD) / span_x).min((H - 2.0 * PAD) / span_y);
    let xy = |lon: f64, lat: f64| {
        (
            PAD + (lon - west) * shrink * scale,
            PAD + (north - lat) * scale,
        )
    };
    let path = |rings: &Vec<Vec<Vec<f64>>>| {
        let mut d = String::new();
        for ring in rings {
            for (i, pos) in ring.iter().enumerate() {
                let (Some(&lon), Some(&lat)) = (pos.first(), pos.get(1)) else {
                    continue;
                };
                let (x, y) = xy(lon, lat);
                d.push_str(&format!("{}{x:.1} {y:.1} ", if i == 0 { "M" } else { "L" }));
            }
            d.push_str("Z ");
        }
        d
    };
    // A round length near a quarter of the drawing's width: 1 degree of latitude ≈ 111.32 km.
    let metres_per_unit = 111_320.0 / scale;
    let target = metres_per_unit * (W - 2.0 * PAD) / 4.0;
    let bar_m = [
        10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0, 20_000.0,
    ]
    .into_iter()
    .rfind(|&m| m <= target)
    // Plots of a few metres across: a bar of the quarter itself, never past the drawing.
    .unwrap_or((target * 10.0).floor().max(1.0) / 10.0);
    let bar = bar_m / metres_per_unit;
    let bar_label = if bar_m >= 1_000.0 {
        format!("{} km", bar_m / 1_000.0)
    } else {
        format!("{bar_m} m")
    };
    html! {
        <svg class="plot-map" id="plot-map" viewBox={format!("0 0 {W} {H}")} role="img"
            aria-label={words(lang, "复垦地块边界示意图（上北）", "Plot outlines (north up)")}>
            <rect x="0" y="0" width={W.to_string()} height={H.to_string()} class="plot-bg" />
            { for plots.iter().enumerate().map(|(n, plot)| {
                let d: String = plot.polygons.iter().map(&path).collect();
                let (mut sx, mut sy, mut count) = (0.0, 0.0, 0.0);
                for ring in plot.polygons.iter().filter_map(|rings| rings.first()) {
                    for pos in ring.iter().skip(1) {
                        if let (Some(&lon), Some(&lat)) = (pos.first(), pos.get(1)) {
                            let (x, y) = xy(lon, lat);
                            sx += x;
                            sy += y;
                            count += 1.0;
                        }
                    }
                }
                let (cx, cy) = if count > 0.0 { (sx / count, sy / count) } else { (0.0, 0.0) };
                html! { <g class="plot">
                    <path d={d} fill-rule="evenodd"><title>{ words(lang, format!("{} {} 亩", plot.name, plot.area_mu.grouped()), format!("{} {} mu", plot.name, plot.area_mu.grouped())) }</title></path>
                    <text x={format!("{cx:.1}")} y={format!("{cy:.1}")} text-anchor="middle" dominant-baseline="middle">{ n + 1 }</text>
                </g> }
            }) }
            <g class="plot-scale">
                <line x1={PAD.to_string()} y1={(H - 10.0).to_string()} x2={format!("{:.1}", PAD + bar)} y2={(H - 10.0).to_string()} />
                <text x={format!("{:.1}", PAD + bar + 6.0)} y={(H - 6.0).to_string()}>{ bar_label }</text>
            </g>
            <text class="plot-north" x={(W - 16.0).to_string()} y="20" text-anchor="middle">{ words(lang, "北↑", "N↑") }</text>
        </svg>
    }
}
