//! A small HTTP/1.1 server for tests, on a loopback port of its own: it answers `GET` with
//! the replies put at each path (404 elsewhere), can require a bearer token for some paths,
//! and remembers every request (path and `Authorization` header).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A canned reply.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

/// What the server holds.
#[derive(Default)]
struct State {
    replies: BTreeMap<String, Reply>,
    /// Path prefixes that need `Authorization: Bearer TOKEN`.
    guarded: Vec<(String, String)>,
    requests: Vec<(String, Option<String>)>,
}

/// A running server (it stops with the test process).
#[derive(Clone)]
pub struct Server {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl Server {
    /// Starts a server on 127.0.0.1 and a free port.
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        Server { port, state }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Answers `GET path` with `reply`.
    pub fn put(&self, path: &str, status: u16, content_type: &str, body: impl Into<Vec<u8>>) {
        self.state.lock().expect("server state").replies.insert(
            path.to_string(),
            Reply {
                status,
                content_type: content_type.to_string(),
                body: body.into(),
            },
        );
    }

    /// Answers `GET path` with a JSON document.
    pub fn put_json(&self, path: &str, body: &serde_json::Value) {
        self.put(path, 200, "application/json", body.to_string());
    }

    /// Paths under `prefix` answer 401 without `Authorization: Bearer token`.
    pub fn require_token(&self, prefix: &str, token: &str) {
        self.state
            .lock()
            .expect("server state")
            .guarded
            .push((prefix.to_string(), token.to_string()));
    }

    /// The reply put at `path`, if any.
    pub fn reply(&self, path: &str) -> Option<Reply> {
        self.state
            .lock()
            .expect("server state")
            .replies
            .get(path)
            .cloned()
    }

    /// The requests so far: path and `Authorization` header.
    pub fn requests(&self) -> Vec<(String, Option<String>)> {
        self.state.lock().expect("server state").requests.clone()
    }
}

/// Serves one connection (keep-alive: requests until the client closes).
fn serve(stream: TcpStream, state: &Mutex<State>) {
    let Ok(mut out) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut auth = None;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("authorization") {
                    auth = Some(v.trim().to_string());
                }
            }
        }
        let reply = answer(state, &path, auth);
        let head = format!(
            "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
            reply.status,
            reply.content_type,
            reply.body.len()
        );
        if out.write_all(head.as_bytes()).is_err() || out.write_all(&reply.body).is_err() {
            return;
        }
    }
}

fn answer(state: &Mutex<State>, path: &str, auth: Option<String>) -> Reply {
    let mut s = state.lock().expect("server state");
    s.requests.push((path.to_string(), auth.clone()));
    let path = path.split('?').next().unwrap_or(path);
    let needed = s
        .guarded
        .iter()
        .find(|(p, _)| path.starts_with(p.as_str()))
        .map(|(_, t)| format!("Bearer {t}"));
    if needed.is_some() && needed != auth {
        return Reply {
            status: 401,
            content_type: "text/plain".into(),
            body: b"unauthorized".to_vec(),
        };
    }
    s.replies.get(path).cloned().unwrap_or(Reply {
        status: 404,
        content_type: "text/plain".into(),
        body: b"not found".to_vec(),
    })
}
