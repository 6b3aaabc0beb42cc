//! The preview's web server: on 127.0.0.1 only, answering only requests
//! addressed to it by that name (or `localhost`) and its port, so a web
//! page elsewhere cannot reach it through a name it points at 127.0.0.1
//! (DNS rebinding). Nothing in an address reaches the file system: a copy
//! is found by name among the briefings listed, a picture by its place in
//! the copy's pictures; the one file a request may name (the source file
//! to open in the editor) goes through the project's guarded
//! [`crate::project::open`], and only when `--editor` gave a command.
//!
//! `tiny_http` serves each request; a page's `/events` stream is kept
//! open on a thread of its own, which sleeps until a rebuild and then
//! sends the pages that changed (Server-Sent Events).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tiny_http::{Header, Method, Request, Response};

use super::overlay;
use super::svg::{self, Look};
use super::{Editor, Laid, Proof, Shared, State};
use crate::error::{Error, Result};
use crate::picture::Orientation;

const PAGE: &str = include_str!("page.html");
const STYLE: &str = include_str!("preview.css");
const SCRIPT: &str = include_str!("preview.js");

/// How long an open stream waits for a rebuild before it checks that the
/// page is still there.
const HEARTBEAT: Duration = Duration::from_secs(20);

/// What the server answers from.
pub struct Context {
    pub shared: Arc<Shared>,
    /// The project folder: the only place a source file may be opened.
    pub project: PathBuf,
    pub editor: Option<Editor>,
}

pub struct Server {
    server: tiny_http::Server,
    port: u16,
}

impl Server {
    /// Listens on 127.0.0.1, on `port` or any free one.
    pub fn bind(port: Option<u16>) -> Result<Server> {
        let server = tiny_http::Server::http(("127.0.0.1", port.unwrap_or(0))).map_err(|e| {
            Error::new(format!(
                "cannot listen on 127.0.0.1:{}: {e}",
                port.map_or_else(|| "any port".into(), |p| p.to_string())
            ))
            .help("choose another port with --port, or leave it out to take any free one")
        })?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| Error::new("the preview's server has no port"))?;
        Ok(Server { server, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Answers requests until the process is stopped.
    pub fn serve(self, cx: &Context) {
        for request in self.server.incoming_requests() {
            answer(request, cx, self.port);
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn request_header<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// A response with the headers every answer carries: no caching, no
/// guessing of types, no framing by other sites, nothing loaded from
/// elsewhere.
fn reply(status: u16, kind: &str, body: impl Into<Vec<u8>>) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.into())
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ))
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    reply(status, "text/plain; charset=utf-8", body)
}

/// Whether the request was addressed to this server by its own name.
fn addressed_here(request: &Request, port: u16) -> bool {
    let Some(host) = request_header(request, "Host") else {
        return false;
    };
    host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
}

/// Whether a request that changes something comes from the preview's own
/// page: another site's page may send a request here, but its origin
/// tells on it.
fn from_own_page(request: &Request, port: u16) -> bool {
    request_header(request, "Origin").is_some_and(|o| {
        o == format!("http://127.0.0.1:{port}") || o == format!("http://localhost:{port}")
    })
}

fn answer(mut request: Request, cx: &Context, port: u16) {
    if !addressed_here(&request, port) {
        let _ = request.respond(text(
            403,
            "this is handbill's preview; it answers only to 127.0.0.1 and localhost",
        ));
        return;
    }
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let query = parse_query(query);
    let path: Vec<String> = path
        .split('/')
        .filter(|p| !p.is_empty())
        .map(percent_decode)
        .collect();
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let response = match (request.method(), path.as_slice()) {
        (Method::Get, []) => start_page(cx),
        (Method::Get, ["preview.css"]) => reply(200, "text/css; charset=utf-8", STYLE),
        (Method::Get, ["preview.js"]) => reply(200, "text/javascript; charset=utf-8", SCRIPT),
        (Method::Get, ["doc", name]) => doc_page(cx, name, &View::from_query(&query)),
        (Method::Get, ["picture", name, proof, index]) => {
            let size = |k: &str| query.get(k).and_then(|v| v.parse::<u32>().ok());
            picture(cx, name, proof, index, size("w").zip(size("h")))
        }
        (Method::Get, ["events"]) => {
            let view = query
                .get("doc")
                .map(|d| (d.clone(), View::from_query(&query)));
            let stream = request.upgrade(
                "sse",
                Response::empty(200)
                    .with_header(header("Content-Type", "text/event-stream"))
                    .with_header(header("Cache-Control", "no-store")),
            );
            let shared = cx.shared.clone();
            std::thread::spawn(move || events(stream, &shared, view));
            return;
        }
        (Method::Post, ["open"]) => {
            if !from_own_page(&request, port) {
                text(403, "only the preview's own page may open files")
            } else {
                let mut body = String::new();
                let read = request
                    .as_reader()
                    .take(4096)
                    .read_to_string(&mut body)
                    .is_ok();
                if read {
                    open_source(cx, &body)
                } else {
                    text(400, "the request is not text")
                }
            }
        }
        (Method::Get | Method::Post, _) => text(404, "no such page"),
        _ => text(405, "the preview answers GET and POST only"),
    };
    let _ = request.respond(response);
}

fn parse_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How a copy is shown: for the screen or for print, and whether the
/// print sheet (bleed and marks) is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct View {
    proof: Proof,
    sheet: bool,
}

impl View {
    fn from_query(query: &BTreeMap<String, String>) -> View {
        let proof = match query.get("proof").map(String::as_str) {
            Some("print") => Proof::Print,
            _ => Proof::Screen,
        };
        View {
            proof,
            sheet: proof == Proof::Print && query.get("sheet").is_some_and(|s| s == "1"),
        }
    }
}

/// Fills the page's template.
fn page(title: &str, view: &str, nav: &str, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let html = PAGE
        .replace("{{title}}", &svg::escape(title))
        .replace("{{view}}", view)
        .replace("{{nav}}", nav)
        .replace("{{body}}", body);
    reply(200, "text/html; charset=utf-8", html)
}

fn start_page(cx: &Context) -> Response<std::io::Cursor<Vec<u8>>> {
    let state = cx.shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let list = copy_list(&state);
    page(
        "handbill preview",
        r#"data-view="list""#,
        "",
        &format!(r#"<main id="list">{list}</main>"#),
    )
}

/// The briefings and their copies with their status, as HTML.
fn copy_list(state: &State) -> String {
    let mut s = String::new();
    if let Some(e) = &state.list_error {
        s.push_str(&format!(
            r#"<pre class="message error">{}</pre>"#,
            svg::escape(e)
        ));
    }
    if state.copies.is_empty() && state.list_error.is_none() {
        s.push_str("<p>No briefings found.</p>");
    }
    s.push_str(r#"<ul class="copies">"#);
    for copy in &state.copies {
        let (class, status) = match state.laid.get(&(copy.name.clone(), Proof::Screen)) {
            Some(Ok(laid)) => {
                let n = laid.pages.pages.len();
                let w = laid.pages.warnings.len();
                let mut status = format!("ok, {n} page{}", if n == 1 { "" } else { "s" });
                if w > 0 {
                    status.push_str(&format!(", {w} warning{}", if w == 1 { "" } else { "s" }));
                }
                ("ok", status)
            }
            Some(Err(e)) => ("error", format!("error: {}", e.message)),
            None => ("waiting", "not laid out yet".to_string()),
        };
        let label = match copy.recipient {
            Some(_) => format!(
                "{} <span class=\"recipient\">copy {}</span>",
                svg::escape(&copy.briefing),
                svg::escape(&copy.name)
            ),
            None => svg::escape(&copy.name),
        };
        s.push_str(&format!(
            r#"<li class="copy {class}" data-copy="{}"><a href="/doc/{}">{label}</a> <span class="status">{}</span></li>"#,
            svg::escape(&copy.name),
            url_escape(&copy.name),
            svg::escape(&status)
        ));
    }
    s.push_str("</ul>");
    s
}

fn url_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn doc_page(cx: &Context, name: &str, view: &View) -> Response<std::io::Cursor<Vec<u8>>> {
    let (copy, siblings) = {
        let state = cx.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(copy) = state.copy(name).cloned() else {
            return text(404, "no briefing of that name: see the list at /");
        };
        let siblings: Vec<String> = state
            .copies
            .iter()
            .filter(|c| c.file == copy.file)
            .map(|c| c.name.clone())
            .collect();
        (copy, siblings)
    };
    let mut nav = String::from(r#"<a href="/">All briefings</a> "#);
    if siblings.len() > 1 {
        nav.push_str(r#"<label>Copy <select id="copy">"#);
        for s in &siblings {
            let selected = if *s == copy.name { " selected" } else { "" };
            nav.push_str(&format!(
                r#"<option value="{}"{selected}>{}</option>"#,
                svg::escape(s),
                svg::escape(s)
            ));
        }
        nav.push_str("</select></label> ");
    }
    let print = view.proof == Proof::Print;
    nav.push_str(&format!(
        r#"<label>Profile <select id="proof"><option value="screen"{}>screen</option><option value="print"{}>print</option></select></label> "#,
        if print { "" } else { " selected" },
        if print { " selected" } else { "" }
    ));
    if print {
        nav.push_str(&format!(
            r#"<label><input type="checkbox" id="sheet"{}> bleed and marks</label> "#,
            if view.sheet { " checked" } else { "" }
        ));
    }
    let update = render(cx, &copy.name, view);
    let body = format!(
        r#"<div id="messages"></div><div id="source" hidden></div><main id="pages"></main><script id="first" type="application/json">{}</script>"#,
        // Inside a script element: only `</` could end it early.
        update.to_string().replace("</", "<\\/")
    );
    page(
        &format!("{} — handbill preview", copy.name),
        &format!(
            r#"data-view="doc" data-doc="{}" data-proof="{}" data-sheet="{}" data-editor="{}""#,
            svg::escape(&copy.name),
            if print { "print" } else { "screen" },
            u8::from(view.sheet),
            u8::from(cx.editor.is_some())
        ),
        &nav,
        &body,
    )
}

/// A copy's laid-out pages for `proof`: laid out now if no page asked for
/// them before (the builder then keeps them up to date).
fn laid(cx: &Context, name: &str, proof: Proof) -> Option<Laid> {
    let copy = {
        let state = cx.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(laid) = state.laid.get(&(name.to_string(), proof)) {
            return Some(laid.clone());
        }
        state.copy(name)?.clone()
    };
    let laid = super::lay_out_now(&copy, proof);
    let mut state = cx.shared.state.lock().unwrap_or_else(|e| e.into_inner());
    state
        .laid
        .entry((name.to_string(), proof))
        .or_insert(laid.clone());
    Some(laid)
}

/// What a page needs to show a copy: its pages drawn, its messages.
fn render(cx: &Context, name: &str, view: &View) -> Value {
    render_from(&cx.shared, name, view, &|proof| laid(cx, name, proof))
}

fn render_from(
    shared: &Shared,
    name: &str,
    view: &View,
    get: &dyn Fn(Proof) -> Option<Laid>,
) -> Value {
    let version = shared
        .state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .version;
    let proof = if view.proof == Proof::Print {
        "print"
    } else {
        "screen"
    };
    match get(view.proof) {
        None => json!({"version": version, "gone": true}),
        Some(Err(e)) => {
            // An overset's frame, outlined on the last good pages.
            let marks: Vec<overlay::Mark> = e
                .place
                .iter()
                .map(|p| overlay::Mark {
                    place: **p,
                    kind: overlay::Kind::Overset,
                    message: e.message.clone(),
                })
                .collect();
            let mut message =
                json!({"level": "error", "text": e.to_string(), "code": e.kind.code()});
            if !marks.is_empty() {
                message["mark"] = json!("mark-0");
            }
            json!({
                "version": version,
                "status": "error",
                "messages": [message],
                "overlay": overlay::draw(&marks),
            })
        }
        Some(Ok(laid)) => {
            let keys: Vec<&String> = laid.pictures.keys().collect();
            let url = |key: &str, (w, h): (u32, u32)| {
                let i = keys.iter().position(|k| k.as_str() == key)?;
                let data = &laid.pictures[key].data;
                let stamp = xxhash_rust::xxh3::xxh3_64(data);
                Some(format!(
                    "/picture/{}/{proof}/{i}?v={stamp:x}&w={w}&h={h}",
                    url_escape(name)
                ))
            };
            let drawn = svg::draw(&laid.pages, Look { sheet: view.sheet }, &laid.sources, &url);
            let mut messages: Vec<Value> = laid
                .pages
                .warnings
                .iter()
                .map(|w| json!({"level": "warning", "text": w.to_string()}))
                .collect();
            let report = &laid.pages.report;
            let mut marks: Vec<overlay::Mark> = Vec::new();
            for (what, list) in [
                ("overfull line", &report.overfull),
                ("loose line", &report.loose),
                ("widow or orphan", &report.widows_and_orphans),
                ("table row split", &report.split_rows),
            ] {
                for item in list {
                    let mut message = json!({"level": "note", "text": format!("{what}: {item}")});
                    // Marked on its page where the layout says where.
                    if let (Some(place), Some(kind)) =
                        (item.place, overlay::Kind::of_warning(item.kind))
                    {
                        message["mark"] = json!(format!("mark-{}", marks.len()));
                        message["kind"] = json!(kind.class());
                        marks.push(overlay::Mark {
                            place,
                            kind,
                            message: format!("{what}: {}", item.short()),
                        });
                    }
                    messages.push(message);
                }
            }
            json!({
                "version": version,
                "status": "ok",
                "messages": messages,
                "overlay": overlay::draw(&marks),
                // Moved in, not copied.
                "pages": Value::Array(drawn.pages.into_iter().map(Value::String).collect()),
                // [x, y of the first point, x, y where the pen is left,
                // the rest of the path].
                "outlines": drawn
                    .outlines
                    .into_iter()
                    .map(|(key, o)| (key, json!([o.first.0, o.first.1, o.end.0, o.end.1, o.rest])))
                    .collect::<serde_json::Map<String, Value>>(),
            })
        }
    }
}

/// A copy's picture, from memory; at `size` pixels if asked (at most
/// twice its own size).
fn picture(
    cx: &Context,
    name: &str,
    proof: &str,
    index: &str,
    size: Option<(u32, u32)>,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let proof = if proof == "print" {
        Proof::Print
    } else {
        Proof::Screen
    };
    let state = cx.shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let Some(Ok(laid)) = state.laid.get(&(name.to_string(), proof)) else {
        return text(404, "no such copy");
    };
    let Some(pic) = index
        .parse::<usize>()
        .ok()
        .and_then(|i| laid.pictures.values().nth(i))
    else {
        return text(404, "no such picture");
    };
    let kind = match pic.format {
        crate::picture::PictureFormat::Png => "image/png",
        crate::picture::PictureFormat::Jpeg => "image/jpeg",
    };
    let fits = |(w, h): (u32, u32)| {
        w > 0 && h > 0 && w <= pic.width_px.max(1) * 2 && h <= pic.height_px.max(1) * 2
    };
    let own = (pic.width_px, pic.height_px);
    let (w, h) = size.filter(|s| fits(*s)).unwrap_or(own);
    // A picture shown turned is served turned: its EXIF, which would tell
    // the browser, is gone.
    if ((w, h) != own || pic.orientation != Orientation::Upright)
        && let Some(png) = scaled(&pic.data, pic.orientation, w, h)
    {
        return reply(200, "image/png", png);
    }
    reply(200, kind, pic.data.as_slice().to_vec())
}

/// A picture turned as `orientation` says and at `w` × `h` pixels (the
/// size as shown), as PNG: brought down, each pixel the
/// average of the whole source pixels its box covers, the boxes as even
/// as whole pixels allow (as PDF viewers bring pictures down); brought up,
/// smoothly.
fn scaled(data: &[u8], orientation: Orientation, w: u32, h: u32) -> Option<Vec<u8>> {
    let mut img = image::load_from_memory(data).ok()?;
    orientation.turn(&mut img);
    let img = img.to_rgba8();
    let small = if w <= img.width() && h <= img.height() {
        box_average(&img, w, h)
    } else {
        image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle)
    };
    let mut out = std::io::Cursor::new(Vec::new());
    small.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

fn box_average(img: &image::RgbaImage, w: u32, h: u32) -> image::RgbaImage {
    let (sw, sh) = (img.width(), img.height());
    // Each box is p or p + 1 pixels, spread evenly (Bresenham).
    let steps = |src: u32, dst: u32| {
        let (p, q) = (src / dst, src % dst);
        let mut t = 0;
        (0..dst)
            .map(|_| {
                t += q;
                if t >= dst {
                    t -= dst;
                    p + 1
                } else {
                    p
                }
            })
            .collect::<Vec<u32>>()
    };
    let (xs, ys) = (steps(sw, w), steps(sh, h));
    let mut out = image::RgbaImage::new(w, h);
    let mut y0 = 0;
    for (oy, ystep) in ys.iter().enumerate() {
        let mut x0 = 0;
        for (ox, xstep) in xs.iter().enumerate() {
            let mut sum = [0u32; 4];
            for y in y0..(y0 + ystep).min(sh) {
                for x in x0..(x0 + xstep).min(sw) {
                    let p = img.get_pixel(x, y);
                    for c in 0..4 {
                        sum[c] += u32::from(p[c]);
                    }
                }
            }
            let n = (ystep * xstep).max(1);
            let px = sum.map(|v| ((v + n / 2) / n) as u8);
            out.put_pixel(ox as u32, oy as u32, image::Rgba(px));
            x0 += xstep;
        }
        y0 += ystep;
    }
    out
}

/// Opens the source file a page asks for, `FILE:LINE`, in the editor.
fn open_source(cx: &Context, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let Some(editor) = &cx.editor else {
        return text(
            404,
            "no editor: start the preview with --editor \"code -g {file}:{line}\"",
        );
    };
    let Some((file, line)) = body.trim().rsplit_once(':') else {
        return text(400, "write FILE:LINE");
    };
    let Ok(line) = line.parse::<usize>() else {
        return text(400, "the line is not a number");
    };
    let path = match crate::project::open(&cx.project, file) {
        Ok(p) if p.is_file() => p,
        _ => return text(403, "not a file of the project"),
    };
    match editor.open(&path, line) {
        Ok(()) => text(200, "opened"),
        Err(e) => text(500, &e.to_string()),
    }
}

/// Keeps a page's event stream: sends the view now and whenever its copy
/// is laid out again, only the pages that changed; for the start page,
/// the list, after every change.
fn events(
    mut stream: Box<dyn tiny_http::ReadWrite + Send>,
    shared: &Shared,
    view: Option<(String, View)>,
) {
    let name = view.as_ref().map(|(n, _)| n.clone());
    if let Some(n) = &name {
        *shared.lock().shown.entry(n.clone()).or_default() += 1;
    }
    let _ = follow(&mut stream, shared, view);
    if let Some(n) = &name {
        let mut state = shared.lock();
        if let Some(count) = state.shown.get_mut(n) {
            *count = count.saturating_sub(1);
        }
        drop(state);
        // A builder waiting for this page to be sent need wait no more.
        shared.sent.notify_all();
    }
}

/// Sends updates until the page goes away.
fn follow(
    stream: &mut Box<dyn tiny_http::ReadWrite + Send>,
    shared: &Shared,
    view: Option<(String, View)>,
) -> std::io::Result<()> {
    let mut sent_pages: Vec<u128> = Vec::new();
    let mut sent_outlines: std::collections::HashSet<String> = std::collections::HashSet::new();
    // The version last sent: of the copy shown, or of the whole list.
    let mut sent: Option<u64> = None;
    loop {
        let (version, latest) = {
            let mut state = shared.lock();
            let latest = |state: &State| match &view {
                Some((name, _)) => state.changed.get(name).copied().unwrap_or(0),
                None => state.version,
            };
            if sent == Some(latest(&state)) {
                state = shared
                    .rebuilt
                    .wait_timeout(state, HEARTBEAT)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            (state.version, latest(&state))
        };
        if sent == Some(latest) {
            stream.write_all(b": still here\n\n")?;
            stream.flush()?;
            continue;
        }
        sent = Some(latest);
        let message = match &view {
            None => {
                let state = shared.lock();
                json!({"version": version, "list": copy_list(&state)})
            }
            Some((name, view)) => {
                let get = |proof| shared.lock().laid.get(&(name.clone(), proof)).cloned();
                let mut update = render_from(shared, name, view, &get);
                changed_only(&mut update, &mut sent_pages, &mut sent_outlines);
                update
            }
        };
        let mut event = b"data: ".to_vec();
        serde_json::to_writer(&mut event, &message)?;
        event.extend_from_slice(b"\n\n");
        stream.write_all(&event)?;
        stream.flush()?;
        if let Some((name, _)) = &view {
            let mut state = shared.lock();
            let last = state.sent.entry(name.clone()).or_default();
            *last = (*last).max(latest);
            drop(state);
            shared.sent.notify_all();
        }
    }
}

/// Keeps of `update`'s pages those that differ from what was sent, by
/// index (`pages` becomes an object), with the number of pages, and of its
/// glyph outlines those not sent before. What was sent is remembered by a
/// 128-bit hash of each page, and the pages kept are moved, not copied.
fn changed_only(
    update: &mut Value,
    sent_pages: &mut Vec<u128>,
    sent_outlines: &mut std::collections::HashSet<String>,
) {
    if let Some(Value::Object(outlines)) = update.get_mut("outlines") {
        outlines.retain(|key, _| sent_outlines.insert(key.clone()));
    }
    let Some(Value::Array(pages)) = update.get_mut("pages").map(Value::take) else {
        return;
    };
    let mut hashes = Vec::with_capacity(pages.len());
    let mut changed = serde_json::Map::new();
    for (i, page) in pages.into_iter().enumerate() {
        let hash = xxhash_rust::xxh3::xxh3_128(page.as_str().unwrap_or_default().as_bytes());
        if sent_pages.get(i) != Some(&hash) {
            changed.insert(i.to_string(), page);
        }
        hashes.push(hash);
    }
    update["count"] = json!(hashes.len());
    update["pages"] = Value::Object(changed);
    *sent_pages = hashes;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turned_picture_is_served_upright() {
        // Stored 40 × 20, its left half dark; shown turned a quarter
        // clockwise: 20 × 40, dark on top.
        let stored =
            image::GrayImage::from_fn(40, 20, |x, _| image::Luma([if x < 20 { 0 } else { 255 }]));
        let mut png = Vec::new();
        image::DynamicImage::ImageLuma8(stored)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let served = scaled(&png, Orientation::TurnClockwise, 10, 20).unwrap();
        let shown = image::load_from_memory(&served).unwrap().to_luma8();
        assert_eq!((shown.width(), shown.height()), (10, 20));
        assert!(shown.get_pixel(5, 3).0[0] < 40, "dark on top");
        assert!(shown.get_pixel(5, 16).0[0] > 215, "light below");
    }

    #[test]
    fn addresses_are_decoded() {
        assert_eq!(percent_decode("a%20b+c%2F"), "a b c/");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        let q = parse_query("doc=a%2Db&proof=print&sheet=1&x");
        assert_eq!(q["doc"], "a-b");
        assert_eq!(
            View::from_query(&q),
            View {
                proof: Proof::Print,
                sheet: true
            }
        );
        assert_eq!(url_escape("a b/ü"), "a%20b%2F%C3%BC");
    }

    #[test]
    fn only_changed_pages_are_sent_again() {
        let (mut sent, mut outlines) = (Vec::new(), std::collections::HashSet::new());
        let mut first = json!({"pages": ["a", "b"], "outlines": {"0-1": "o1", "0-2": "o2"}});
        changed_only(&mut first, &mut sent, &mut outlines);
        assert_eq!(first["pages"], json!({"0": "a", "1": "b"}));
        assert_eq!(first["outlines"], json!({"0-1": "o1", "0-2": "o2"}));
        let mut second = json!({"pages": ["a", "c", "e"], "outlines": {"0-1": "o1", "0-3": "o3"}});
        changed_only(&mut second, &mut sent, &mut outlines);
        assert_eq!(second["pages"], json!({"1": "c", "2": "e"}));
        assert_eq!(second["count"], 3);
        assert_eq!(second["outlines"], json!({"0-3": "o3"}));
    }

    #[test]
    fn an_overset_is_outlined_on_its_page_and_its_message_points_there() {
        let shared = Shared {
            state: std::sync::Mutex::new(State::default()),
            rebuilt: std::sync::Condvar::new(),
            sent: std::sync::Condvar::new(),
        };
        let place = crate::error::PagePlace {
            page: 1,
            x: 20.0,
            y: 30.0,
            width: 150.0,
            height: 400.0,
        };
        let error = Error::new("b: overset: 3 lines do not fit")
            .kind(crate::error::ErrorKind::Overset)
            .on_page(place);
        let view = View {
            proof: Proof::Screen,
            sheet: false,
        };
        let laid: Laid = Err(Arc::new(error));
        let update = render_from(&shared, "b", &view, &|_| Some(laid.clone()));
        assert_eq!(update["status"], "error");
        assert_eq!(update["messages"][0]["mark"], "mark-0");
        let overlay = update["overlay"].as_object().unwrap();
        assert_eq!(overlay.keys().collect::<Vec<_>>(), vec!["1"]);
        let g = overlay["1"].as_str().unwrap();
        assert!(
            g.contains(
                r#"id="mark-0" class="mark overset" x="20" y="30" width="150" height="400""#
            ),
            "{g}"
        );
        // Without a place, no mark.
        let laid: Laid = Err(Arc::new(Error::new("bad YAML")));
        let update = render_from(&shared, "b", &view, &|_| Some(laid.clone()));
        assert!(update["messages"][0].get("mark").is_none());
        assert_eq!(update["overlay"], json!({}));
    }
}
