//! 批量导入复垦项目 in the bureau console: the template to download (CSV or XLSX), a file to
//! upload, the server's preview row by row with what is wrong in the interface language, and
//! the import itself — every project or none — once no row is wrong.

use quota_shared::api::{ImportResponse, Lang};
use yew::prelude::*;

use crate::api::ApiFailure;
use crate::components::status::failed;
use crate::i18n::words;
use crate::stock_api;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Projects were imported: the console reads them again.
    pub on_imported: Callback<()>,
}

#[component]
pub fn ProjectImport(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let file = use_state(|| None::<web_sys::File>);
    let preview = use_state(|| None::<Result<ImportResponse, ApiFailure>>);
    let done = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let pick = {
        let (file, preview, done, busy) =
            (file.clone(), preview.clone(), done.clone(), busy.clone());
        Callback::from(move |e: Event| {
            let chosen = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            file.set(chosen.clone());
            done.set(None);
            preview.set(None);
            let Some(chosen) = chosen else { return };
            let (preview, busy) = (preview.clone(), busy.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                preview.set(Some(stock_api::import_projects(&chosen, false).await));
                busy.set(false);
            });
        })
    };
    let commit = {
        let (file, preview, done, busy) =
            (file.clone(), preview.clone(), done.clone(), busy.clone());
        let on_imported = props.on_imported.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(chosen) = (*file).clone() else {
                return;
            };
            let (preview, done, busy, on_imported) = (
                preview.clone(),
                done.clone(),
                busy.clone(),
                on_imported.clone(),
            );
            busy.set(true);
            yew::platform::spawn_local(async move {
                match stock_api::import_projects(&chosen, true).await {
                    Ok(r) => {
                        done.set(Some(words(
                            lang,
                            format!("已导入 {} 个复垦项目", r.projects.len()),
                            format!("{} projects imported", r.projects.len()),
                        )));
                        preview.set(None);
                        on_imported.emit(());
                    }
                    Err(e) => preview.set(Some(Err(e))),
                }
                busy.set(false);
            });
        })
    };
    let table = match &*preview {
        None => html! {},
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(r)) => html! {
            <>
            <p id="import-summary" class={if r.invalid > 0 { "notice error" } else { "notice ok" }}>{ words(lang,
                format!("共 {} 行：{} 行无误，{} 行有误。{}", r.valid + r.invalid, r.valid, r.invalid, if r.invalid > 0 { "请在文件中修正后重新选择文件；有误时不导入任何项目。" } else { "确认后全部导入。" }),
                format!("{} rows: {} good, {} wrong. {}", r.valid + r.invalid, r.valid, r.invalid, if r.invalid > 0 { "Fix the file and choose it again; nothing imports while a row is wrong." } else { "Confirm to import them all." })) }</p>
            <div class="table-wrap"><table class="data" id="import-rows">
                <thead><tr>
                    <th class="num">{ words(lang, "行", "Row") }</th>
                    <th>{ words(lang, "备案号", "Registration") }</th>
                    <th>{ words(lang, "项目名称", "Project") }</th>
                    <th class="num">{ words(lang, "节余指标（亩）", "Surplus (mu)") }</th>
                    <th>{ words(lang, "验收", "Accepted") }</th>
                    <th>{ words(lang, "问题", "Issues") }</th>
                </tr></thead>
                <tbody>{ for r.rows.iter().map(|row| html! {
                    <tr data-row={row.row.to_string()} class={(!row.issues.is_empty()).then_some("wrong")}>
                        <td class="num">{ row.row }</td>
                        <td class="mono">{ row.registration_no.clone() }</td>
                        <td>{ row.name.clone() }</td>
                        <td class="num">{ row.surplus_mu.map(|a| a.grouped()).unwrap_or_default() }</td>
                        <td>{ if row.accepted { words(lang, "已验收", "yes") } else { words(lang, "未验收", "no") } }</td>
                        <td>{ if row.issues.is_empty() { html! { <span class="badge ok">{ words(lang, "无误", "good") }</span> } } else { html! {
                            <ul class="issues">{ for row.issues.iter().map(|i| html! {
                                <li>{ match lang { Lang::Zh => i.message_zh.clone(), Lang::En => i.message_en.clone() } }</li>
                            }) }</ul>
                        } } }</td>
                    </tr>
                }) }</tbody>
            </table></div>
            <button class="primary" id="import-commit" disabled={r.invalid > 0 || r.rows.is_empty() || *busy} onclick={commit}>
                { words(lang, format!("确认导入 {} 个项目", r.valid), format!("Import {} projects", r.valid)) }</button>
            </>
        },
    };
    html! {
        <div class="import" id="project-import">
            <h3>{ words(lang, "批量导入（CSV 或 XLSX）", "Import from CSV or XLSX") }</h3>
            <p class="hint">{ words(lang,
                "按模板填写，一行一个项目；填了验收日期和验收文号的项目导入后即为已验收。上传后先预览，每行的问题都会列出，全部无误才能导入。",
                "Fill in the template, one project per row; a row with its acceptance date and document imports accepted. Each upload is previewed first; it imports only when every row is good.") }</p>
            <p class="links">
                <a href="/api/v1/projects/import-template?format=xlsx" download="project-import-template.xlsx" id="template-xlsx">{ words(lang, "下载模板（XLSX）", "Template (XLSX)") }</a>
                <a href="/api/v1/projects/import-template?format=csv" download="project-import-template.csv" id="template-csv">{ words(lang, "下载模板（CSV）", "Template (CSV)") }</a>
            </p>
            <label class="file">{ words(lang, "选择文件", "Choose a file") }
                <input type="file" id="import-file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onchange={pick} /></label>
            { if *busy { html! { <p class="muted">{ words(lang, "处理中…", "Working…") }</p> } } else { html! {} } }
            { match &*done { Some(m) => html! { <p class="notice ok" id="import-done">{ m.clone() }</p> }, None => html! {} } }
            { table }
        </div>
    }
}
