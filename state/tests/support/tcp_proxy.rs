//! A TCP proxy in front of a server (PostgreSQL), run on threads of its own so it outlives
//! any one test runtime: it counts how often a byte string (an SQL statement) crosses from
//! client to server, and can cut a share of connections, at once or after some traffic, as a
//! flaky network does.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// A running proxy.
pub struct TcpProxy {
    /// `127.0.0.1:PORT` of the proxy.
    pub addr: String,
    seen: Arc<AtomicUsize>,
    cut: Arc<AtomicUsize>,
}

impl TcpProxy {
    /// Proxies to `upstream` (`host:port`), counting client bytes matching `needle`, and
    /// cutting `fault_percent`% of connections (half at once, half after a few KB).
    pub fn start(upstream: &str, needle: &[u8], fault_percent: u64) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().expect("addr").to_string();
        let seen = Arc::new(AtomicUsize::new(0));
        let cut = Arc::new(AtomicUsize::new(0));
        let (up, needle, s, c) = (
            upstream.to_string(),
            needle.to_vec(),
            seen.clone(),
            cut.clone(),
        );
        let seed = Arc::new(AtomicU64::new(0x2545_f491_4f6c_dd1d));
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let n = seed.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
                let roll = (n.wrapping_mul(0xbf58_476d_1ce4_e5b9) >> 33) % 100;
                let fault = roll < fault_percent;
                let budget = if fault && roll.is_multiple_of(2) {
                    0
                } else if fault {
                    2048 + (roll as usize) * 97
                } else {
                    usize::MAX
                };
                if fault {
                    c.fetch_add(1, Ordering::Relaxed);
                }
                let (up, needle, s) = (up.clone(), needle.clone(), s.clone());
                std::thread::spawn(move || relay(conn, &up, &needle, &s, budget));
            }
        });
        TcpProxy { addr, seen, cut }
    }

    /// How many times the needle crossed so far.
    pub fn seen(&self) -> usize {
        self.seen.load(Ordering::Relaxed)
    }

    /// How many connections were cut on purpose.
    pub fn cut(&self) -> usize {
        self.cut.load(Ordering::Relaxed)
    }
}

/// Pipes both ways until either side closes or `budget` client bytes have passed.
fn relay(client: TcpStream, upstream: &str, needle: &[u8], seen: &AtomicUsize, budget: usize) {
    if budget == 0 {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let (mut c_read, mut s_write) = (
        client.try_clone().expect("clone"),
        server.try_clone().expect("clone"),
    );
    let (mut s_read, mut c_write) = (server, client);
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut s_read, &mut c_write);
        let _ = c_write.shutdown(Shutdown::Both);
    });
    let mut passed = 0usize;
    let mut buf = [0u8; 16384];
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match c_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        tail.extend_from_slice(&buf[..n]);
        let hits = tail.windows(needle.len()).filter(|w| *w == needle).count();
        seen.fetch_add(hits, Ordering::Relaxed);
        let keep = tail.len().min(needle.len().saturating_sub(1));
        tail.drain(..tail.len() - keep);
        passed += n;
        if passed > budget || s_write.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = s_write.shutdown(Shutdown::Both);
    let _ = back.join();
}
