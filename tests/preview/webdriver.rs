//! A small WebDriver client: just the commands the preview's tests use,
//! over ureq, against Debian's chromedriver and a headless Chromium.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// The key WebDriver gives an element's id under.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A browser session, with the driver it runs in; both end when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    agent: ureq::Agent,
    profile: PathBuf,
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find(program: &str, candidates: &[&str]) -> PathBuf {
    for c in candidates {
        if Path::new(c).is_file() {
            return PathBuf::from(c);
        }
    }
    panic!(
        "{program} is not installed: the preview's tests need Chromium and its driver \
         (Debian: `apt-get install chromium chromium-driver`; .ci/run installs them)"
    );
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile in
    /// `profile`, `width` × `height` pixels at one pixel per CSS pixel.
    pub fn start(profile: &Path, width: u32, height: u32) -> Browser {
        let chromium = find(
            "chromium",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let driver = find(
            "chromedriver",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        );
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut browser = Browser {
            driver: child,
            base: format!("http://127.0.0.1:{port}"),
            agent,
            profile: profile.to_path_buf(),
        };
        let started = Instant::now();
        loop {
            let ready = browser
                .agent
                .get(format!("{}/status", browser.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_dir_all(profile);
        std::fs::create_dir_all(profile).unwrap();
        let session = browser.send(
            "POST",
            "/session",
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--disable-extensions",
                        "--hide-scrollbars", "--force-device-scale-factor=1",
                        format!("--window-size={width},{height}"),
                        format!("--user-data-dir={}", profile.display()),
                    ]
                }
            }}}),
        );
        let id = session["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {session}"))
            .to_string();
        browser.base = format!("{}/session/{id}", browser.base);
        browser
    }

    /// One WebDriver command; its `value`.
    fn send(&self, method: &str, path: &str, body: Value) -> Value {
        match self.try_send(method, path, body) {
            Ok(value) => value,
            Err(said) => panic!("{said}"),
        }
    }

    /// One WebDriver command: its `value`, or what went wrong.
    fn try_send(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let response = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap();
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!("{method} {path}: {status} {text}"));
        }
        Ok(value["value"].clone())
    }

    pub fn go(&self, url: &str) {
        self.send("POST", "/url", json!({ "url": url }));
    }

    /// Runs `script` (a function body; `arguments` as given) in the page.
    pub fn run(&self, script: &str, args: Value) -> Value {
        self.send(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": args }),
        )
    }

    /// The first element `css` selects.
    pub fn element(&self, css: &str) -> String {
        let v = self.send(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        v[ELEMENT].as_str().unwrap().to_string()
    }

    /// Clicks the first element `css` selects. The preview swaps its pages
    /// when a build lands, so an element found a moment ago may be gone:
    /// it is found again, a few times, before the click fails.
    pub fn click_on(&self, css: &str) {
        let mut said = String::new();
        for _ in 0..10 {
            let element = self.element(css);
            match self.try_send("POST", &format!("/element/{element}/click"), json!({})) {
                Ok(_) => return,
                Err(e) if e.contains("stale element") => said = e,
                Err(e) => panic!("{e}"),
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        panic!("{said}");
    }

    /// A picture of one element, as PNG bytes.
    pub fn screenshot(&self, element: &str) -> Vec<u8> {
        let v = self.send(
            "GET",
            &format!("/element/{element}/screenshot"),
            Value::Null,
        );
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap()
    }

    /// Waits up to `limit` for `script` to give a true value; how long it took.
    pub fn wait_for(&self, script: &str, args: Value, limit: Duration) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.run(script, args.clone()) == Value::Bool(true) {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.base).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
