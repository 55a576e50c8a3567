//! The built web app, read into memory once at start and answered from there: no file is
//! opened per request. The build (`scripts/lib.sh: assemble_dist`) names each file by its
//! content and writes its gzip and brotli copies beside it; here each request gets the copy its
//! `Accept-Encoding` allows, with `Content-Encoding` and `Vary: accept-encoding`.
//!
//! - A content-hashed name (`app.<16 hex>.js`) is cached by browsers for a year
//!   (`immutable`): a change makes a new name. Anything else — `index.html`, which names them,
//!   and every page address — is `no-cache`: revalidated with its `ETag` on each visit, so a
//!   new build reaches users at once and an unchanged one costs a 304.
//! - A path that names no file is a page of the app: it gets `index.html` (the app's router
//!   reads the address).
//! - Only exact names are looked up in a map built at start: no path reaches the file system.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One file with its precompressed copies.
#[derive(Debug)]
struct Asset {
    content_type: &'static str,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    /// The SHA-256 of the content (hex, 32 digits); each encoding's ETag adds its own suffix,
    /// since a strong validator names exact bytes.
    digest: String,
    cache_control: HeaderValue,
}

/// The web app's files by path (`/index.html`, `/style.<hash>.css` …).
#[derive(Debug, Clone)]
pub struct Assets {
    files: Arc<HashMap<String, Asset>>,
    dir: Arc<std::path::PathBuf>,
}

impl Assets {
    /// Reads every file under `dir` (with its `.gz` and `.br` copies); `None` when `dir` has
    /// no `index.html` (the web app was not built).
    pub fn load(dir: &Path) -> std::io::Result<Option<Self>> {
        if !dir.join("index.html").is_file() {
            return Ok(None);
        }
        let mut found = Vec::new();
        collect(dir, dir, &mut found)?;
        let mut files = HashMap::new();
        for (path, file) in &found {
            if path.ends_with(".gz") || path.ends_with(".br") {
                continue;
            }
            files.insert(path.clone(), read_asset(path, file)?);
        }
        Ok(Some(Self {
            files: Arc::new(files),
            dir: Arc::new(dir.to_path_buf()),
        }))
    }

    /// How many files were read, and their bytes with every copy.
    pub fn size(&self) -> (usize, usize) {
        let bytes = self
            .files
            .values()
            .map(|a| {
                a.identity.len()
                    + a.gzip.as_ref().map_or(0, Bytes::len)
                    + a.brotli.as_ref().map_or(0, Bytes::len)
            })
            .sum();
        (self.files.len(), bytes)
    }

    /// The answer to `method path` with the request's `headers`.
    pub async fn answer(&self, method: &Method, path: &str, headers: &HeaderMap) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::ALLOW, "GET, HEAD")],
            )
                .into_response();
        }
        if let Some(asset) = self.files.get(path) {
            return respond(asset, method, headers);
        }
        let name = path.rsplit('/').next().unwrap_or_default();
        // A content-hashed file of a build newer than this process (another instance started
        // after a rebuild named it): read from the directory, by a name that cannot leave it.
        if is_content_hashed(path) && path == format!("/{name}") {
            let file = self.dir.join(name);
            let read = tokio::task::spawn_blocking({
                let path = path.to_string();
                move || read_asset(&path, &file)
            })
            .await;
            if let Ok(Ok(asset)) = read {
                return respond(&asset, method, headers);
            }
        }
        // A file name that is not here is a 404 — never the page in its place, which a browser
        // would refuse as a script or a module. An address without one is a page of the app.
        if name.contains('.') {
            let mut response = StatusCode::NOT_FOUND.into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            return response;
        }
        match self.files.get("/index.html") {
            Some(index) => respond(index, method, headers),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

/// One file and its `.gz` / `.br` copies from the disk.
fn read_asset(path: &str, file: &Path) -> std::io::Result<Asset> {
    let variant = |suffix: &str| -> std::io::Result<Option<Bytes>> {
        let copy = file.with_file_name(format!(
            "{}.{suffix}",
            file.file_name().unwrap_or_default().to_string_lossy()
        ));
        match std::fs::read(&copy) {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    };
    let identity = Bytes::from(std::fs::read(file)?);
    let digest = hex(&Sha256::digest(&identity)[..16]);
    Ok(Asset {
        content_type: content_type(path),
        gzip: variant("gz")?,
        brotli: variant("br")?,
        identity,
        digest,
        cache_control: HeaderValue::from_static(if is_content_hashed(path) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    })
}

/// The copy of `asset` the request accepts, or a 304 when the browser holds it already.
fn respond(asset: &Asset, method: &Method, headers: &HeaderMap) -> Response {
    let accepted = accepted_encodings(headers);
    let (body, encoding) = match (&asset.brotli, &asset.gzip) {
        (Some(br), _) if accepted.brotli => (br.clone(), Some("br")),
        (_, Some(gz)) if accepted.gzip => (gz.clone(), Some("gzip")),
        _ => (asset.identity.clone(), None),
    };
    let etag = format!(
        "\"{}{}\"",
        asset.digest,
        match encoding {
            Some("br") => "-br",
            Some(_) => "-gz",
            None => "",
        }
    );
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t == etag)
        });
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = if method == Method::HEAD {
            let mut r = Response::new(Body::empty());
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            r
        } else {
            Response::new(Body::from(body))
        };
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        );
        if let Some(encoding) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    let h = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, tag);
    }
    h.insert(header::CACHE_CONTROL, asset.cache_control.clone());
    if asset.gzip.is_some() || asset.brotli.is_some() {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Every file under `dir`, as (`/relative/path`, file).
fn collect(
    root: &Path,
    dir: &Path,
    found: &mut Vec<(String, std::path::PathBuf)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, found)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let name: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            found.push((format!("/{}", name.join("/")), path));
        }
    }
    Ok(())
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Accepted {
    brotli: bool,
    gzip: bool,
}

/// Which of our encodings `Accept-Encoding` allows: named with a q above 0, or covered by `*`
/// when not named at all (`q=0` refuses one).
fn accepted_encodings(headers: &HeaderMap) -> Accepted {
    let (mut named, mut refused, mut star) = (Accepted::default(), Accepted::default(), false);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let zero = parts.any(|p| {
                let p = p.trim().to_ascii_lowercase();
                p.strip_prefix("q=").is_some_and(|q| {
                    let q = q.trim();
                    q.starts_with('0') && q.chars().all(|c| c == '0' || c == '.')
                })
            });
            let set = if zero { &mut refused } else { &mut named };
            match name.as_str() {
                "br" => set.brotli = true,
                "gzip" | "x-gzip" => set.gzip = true,
                "*" if !zero => star = true,
                _ => {}
            }
        }
    }
    Accepted {
        brotli: !refused.brotli && (named.brotli || star),
        gzip: !refused.gzip && (named.gzip || star),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether the last segment of `path` reads `stem.<16 hex digits>.ext`.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_with_a_sixteen_digit_hash_are_cached_for_good() {
        assert!(is_content_hashed("/frontend_bg.0123456789abcdef.wasm"));
        assert!(is_content_hashed("/style.fedcba9876543210.css"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/"));
        assert!(!is_content_hashed("/listings/12"));
        assert!(!is_content_hashed("/style.css"));
        assert!(!is_content_hashed("/.0123456789abcdef.css"));
        assert!(!is_content_hashed("/x.0123456789ABCDEF.css"));
        assert!(!is_content_hashed("/x.0123456789abcde.css"));
        assert!(!is_content_hashed("/x.0123456789abcdefa.css"));
    }

    fn accept(value: &str) -> Accepted {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("header"),
        );
        accepted_encodings(&h)
    }

    #[test]
    fn accept_encoding_is_read_with_refusals() {
        let both = Accepted {
            brotli: true,
            gzip: true,
        };
        assert_eq!(accept("gzip, deflate, br, zstd"), both);
        assert_eq!(
            accept("gzip;q=1.0, br;q=0"),
            Accepted {
                brotli: false,
                gzip: true
            }
        );
        assert_eq!(
            accept("br;Q=0.000, GZIP;q=0.5"),
            Accepted {
                brotli: false,
                gzip: true
            }
        );
        assert_eq!(accept("*"), both);
        assert_eq!(
            accept("br;q=0, *"),
            Accepted {
                brotli: false,
                gzip: true
            }
        );
        assert_eq!(
            accept("*;q=0, gzip"),
            Accepted {
                brotli: false,
                gzip: true
            }
        );
        assert_eq!(accept("identity"), Accepted::default());
        assert_eq!(
            accept("br;q=0.1"),
            Accepted {
                brotli: true,
                gzip: false
            }
        );
        assert_eq!(accepted_encodings(&HeaderMap::new()), Accepted::default());
    }

    #[tokio::test]
    async fn each_request_gets_the_copy_it_accepts_and_a_304_when_unchanged() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("index.html"), "<p>app</p>").expect("index");
        std::fs::write(dir.path().join("index.html.gz"), "GZ").expect("gz");
        std::fs::write(dir.path().join("app.0123456789abcdef.js"), "js").expect("js");
        std::fs::write(dir.path().join("app.0123456789abcdef.js.br"), "BR").expect("br");
        let assets = Assets::load(dir.path()).expect("read").expect("built");
        assert_eq!(assets.size().0, 2);
        let get = |path: &'static str, accept: &'static str, tag: Option<HeaderValue>| {
            let assets = assets.clone();
            async move {
                let mut h = HeaderMap::new();
                h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(accept));
                if let Some(tag) = tag {
                    h.insert(header::IF_NONE_MATCH, tag);
                }
                assets.answer(&Method::GET, path, &h).await
            }
        };
        let js = get("/app.0123456789abcdef.js", "gzip, br", None).await;
        assert_eq!(js.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(js.headers()[header::VARY], "accept-encoding");
        assert_eq!(
            js.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert!(
            js.headers()[header::CACHE_CONTROL]
                .to_str()
                .expect("v")
                .contains("immutable")
        );
        let plain = get("/app.0123456789abcdef.js", "gzip", None).await;
        assert!(
            plain.headers().get(header::CONTENT_ENCODING).is_none(),
            "no gzip copy"
        );
        // Each encoding has its own validator: a 304 only for the bytes the browser holds.
        let br_tag = js.headers()[header::ETAG].clone();
        assert_ne!(br_tag, plain.headers()[header::ETAG]);
        let again = get("/app.0123456789abcdef.js", "gzip, br", Some(br_tag.clone())).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        let other = get("/app.0123456789abcdef.js", "gzip", Some(br_tag)).await;
        assert_eq!(other.status(), StatusCode::OK);
        // A page address gets index.html, revalidated.
        let page = get("/market/12", "gzip", None).await;
        assert_eq!(page.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");
        let tag = page.headers()[header::ETAG].clone();
        assert_eq!(
            get("/", "gzip", Some(tag)).await.status(),
            StatusCode::NOT_MODIFIED
        );
        // A file that is not here is a 404, never the page in its place.
        for missing in ["/boot.js", "/app.fedcba9876543210.js", "/../etc/passwd.txt"] {
            let r = get(missing, "gzip", None).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{missing}");
        }
        // A hashed file written after start (a newer build) is read from the directory.
        std::fs::write(dir.path().join("app.fedcba9876543210.js"), "new").expect("new build");
        let newer = get("/app.fedcba9876543210.js", "gzip", None).await;
        assert_eq!(newer.status(), StatusCode::OK);
        let body = axum::body::to_bytes(newer.into_body(), 100)
            .await
            .expect("body");
        assert_eq!(&body[..], b"new");
        let post = assets.answer(&Method::POST, "/", &HeaderMap::new()).await;
        assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(
            Assets::load(&dir.path().join("missing"))
                .expect("read")
                .is_none()
        );
    }
}
