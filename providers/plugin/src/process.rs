//! Starting a plugin as go-plugin does: the magic cookie and the offered protocol versions
//! in the environment, a client certificate for AutoMTLS, then the handshake line the plugin
//! prints on stdout (`CORE|APP|NETWORK|ADDR|grpc|CERT`), a gRPC channel over the announced
//! socket, stderr kept for error messages, and a clean shutdown (go-plugin's controller, then
//! a kill if the process lingers).

use crate::proto::controller::{grpc_controller_client::GrpcControllerClient, Empty};
use crate::tls::{client_config, Identity};
use base64::Engine as _;
use hyper_util::rt::TokioIo;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, BufReader};
use tokio::process::{Child, Command};
use tonic::transport::{Channel, Endpoint, Uri};

/// go-plugin's handshake cookie for Terraform providers.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Its value.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// How long a plugin may take to print its handshake (go-plugin's default start timeout).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How much of a plugin's stderr is kept for error messages.
const STDERR_TAIL: usize = 16 * 1024;

/// A running plugin process and the gRPC channel to it.
pub struct PluginProcess {
    /// The protocol major version the plugin chose (5 or 6).
    pub protocol: u32,
    /// The gRPC channel.
    pub channel: Channel,
    child: tokio::sync::Mutex<Child>,
    stderr: Arc<Mutex<String>>,
    /// Set once the stderr reader reached the end (the process closed it).
    stderr_closed: tokio::sync::watch::Receiver<bool>,
    path: PathBuf,
}

/// What the handshake line says.
#[derive(Debug, Clone, PartialEq)]
pub struct Handshake {
    /// The app protocol version (the plugin protocol's major version).
    pub protocol: u32,
    /// `unix` or `tcp`.
    pub network: String,
    /// The socket path or `host:port`.
    pub address: String,
    /// The server's certificate (DER), when it speaks TLS.
    pub cert: Option<Vec<u8>>,
}

/// Parses go-plugin's handshake line.
pub fn parse_handshake(line: &str) -> Result<Handshake, String> {
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    if parts.len() < 4 {
        return Err(format!("not a plugin handshake: {line:?}"));
    }
    if parts[0] != "1" {
        return Err(format!(
            "unsupported go-plugin core protocol version {:?}",
            parts[0]
        ));
    }
    let protocol = parts[1]
        .parse::<u32>()
        .map_err(|_| format!("bad protocol version {:?}", parts[1]))?;
    if parts.get(4).is_some_and(|p| *p != "grpc") {
        return Err(format!("the plugin speaks {:?}, not grpc", parts[4]));
    }
    let cert = match parts.get(5).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(c.trim_end_matches('='))
                .map_err(|e| format!("bad certificate in handshake: {e}"))?,
        ),
    };
    Ok(Handshake {
        protocol,
        network: parts[2].to_string(),
        address: parts[3].to_string(),
        cert,
    })
}

impl PluginProcess {
    /// Starts the plugin at `path`, offering protocol versions 5 and 6.
    pub async fn start(path: &Path) -> Result<PluginProcess, String> {
        let identity = Identity::generate()?;
        let mut child = Command::new(path)
            .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_CLIENT_CERT", &identity.cert_pem)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", path.display()))?;
        let stderr = Arc::new(Mutex::new(String::new()));
        let (closed, stderr_closed) = tokio::sync::watch::channel(false);
        if let Some(err) = child.stderr.take() {
            let tail = stderr.clone();
            tokio::spawn(async move {
                keep_tail(err, tail).await;
                let _ = closed.send(true);
            });
        }
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let line = match tokio::time::timeout(START_TIMEOUT, first_line(stdout)).await {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => {
                let status = child.wait().await.ok();
                let tail = stderr.lock().map(|s| s.clone()).unwrap_or_default();
                return Err(format!(
                    "{e}{}\n{tail}",
                    status.map(|s| format!(" ({s})")).unwrap_or_default()
                ));
            }
            Err(_) => return Err("timeout while waiting for the plugin to start".into()),
        };
        let hs = parse_handshake(&line)?;
        let channel = connect(&hs, &identity).await?;
        Ok(PluginProcess {
            protocol: hs.protocol,
            channel,
            child: tokio::sync::Mutex::new(child),
            stderr,
            stderr_closed,
            path: path.to_path_buf(),
        })
    }

    /// The last lines the plugin wrote to stderr.
    pub fn stderr_tail(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The last lines of a process that has exited: read to the end first (a second at
    /// most), since the reader may still be behind the exit on a busy machine, and the
    /// end is where a crash's panic is.
    pub async fn final_stderr_tail(&self) -> String {
        let mut closed = self.stderr_closed.clone();
        let _ = tokio::time::timeout(Duration::from_secs(1), closed.wait_for(|c| *c)).await;
        self.stderr_tail()
    }

    /// The plugin's executable.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when the process has exited (crashed, or was shut down), waiting a moment for a
    /// process whose connection just broke to be reaped.
    pub async fn exited(&self) -> bool {
        let mut child = self.child.lock().await;
        matches!(
            tokio::time::timeout(Duration::from_millis(500), child.wait()).await,
            Ok(Ok(_))
        )
    }

    /// Asks the plugin to exit (go-plugin's controller), then kills it if it has not within
    /// two seconds, as go-plugin's client does.
    pub async fn shutdown(&self) {
        let mut controller = GrpcControllerClient::new(self.channel.clone());
        let _ = tokio::time::timeout(Duration::from_secs(2), controller.shutdown(Empty {})).await;
        let mut child = self.child.lock().await;
        if tokio::time::timeout(Duration::from_secs(2), child.wait())
            .await
            .is_err()
        {
            let _ = child.kill().await;
        }
    }
}

async fn first_line(stdout: tokio::process::ChildStdout) -> Result<String, String> {
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next_line().await.map_err(|e| e.to_string())?;
    // The rest of stdout is the plugin's own business; drain it so it never blocks.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    first.ok_or_else(|| "the plugin exited before its handshake".to_string())
}

async fn keep_tail(err: tokio::process::ChildStderr, tail: Arc<Mutex<String>>) {
    let echo = std::env::var_os("TF_LOG").is_some();
    let mut lines = BufReader::new(err).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if echo {
            eprintln!("{line}");
        }
        if let Ok(mut t) = tail.lock() {
            t.push_str(&line);
            t.push('\n');
            if t.len() > STDERR_TAIL {
                let cut = t.len() - STDERR_TAIL;
                let cut = (cut..t.len())
                    .find(|i| t.is_char_boundary(*i))
                    .unwrap_or(cut);
                t.drain(..cut);
            }
        }
    }
}

/// A channel to the plugin's socket, over mutual TLS when it announced a certificate.
async fn connect(hs: &Handshake, identity: &Identity) -> Result<Channel, String> {
    let tls = match &hs.cert {
        Some(der) => Some(Arc::new(client_config(identity, der.clone().into())?)),
        None => None,
    };
    let (network, address) = (hs.network.clone(), hs.address.clone());
    let connector = tower::service_fn(move |_: Uri| {
        let (network, address, tls) = (network.clone(), address.clone(), tls.clone());
        async move {
            let io: Box<dyn Io> = if network == "unix" {
                Box::new(tokio::net::UnixStream::connect(&address).await?)
            } else {
                Box::new(tokio::net::TcpStream::connect(&address).await?)
            };
            let io: Box<dyn Io> = match tls {
                Some(cfg) => {
                    let name =
                        rustls::pki_types::ServerName::try_from("localhost").expect("valid name");
                    Box::new(
                        tokio_rustls::TlsConnector::from(cfg)
                            .connect(name, io)
                            .await?,
                    )
                }
                None => io,
            };
            Ok::<_, std::io::Error>(TokioIo::new(io))
        }
    });
    Endpoint::from_static("http://localhost")
        .connect_with_connector(connector)
        .await
        .map_err(|e| format!("could not connect to the plugin at {}: {e:?}", hs.address))
}

/// A byte stream to a plugin.
trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_lines_parse() {
        let hs = parse_handshake("1|6|unix|/tmp/plugin1|grpc|AAEC\n").unwrap();
        assert_eq!(
            (hs.protocol, hs.network.as_str(), hs.address.as_str()),
            (6, "unix", "/tmp/plugin1")
        );
        assert_eq!(hs.cert, Some(vec![0, 1, 2]));
        assert_eq!(
            parse_handshake("1|5|tcp|127.0.0.1:1234|grpc").unwrap().cert,
            None
        );
        assert!(parse_handshake("2|5|unix|/x|grpc").is_err());
        assert!(parse_handshake("1|5|unix|/x|netrpc").is_err());
        assert!(parse_handshake("hello").is_err());
    }
}
