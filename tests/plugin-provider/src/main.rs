//! `terraform-provider-testcloud`: a Terraform provider plugin of AutoStack's own, so the
//! plugin client is tested against a real process speaking the real protocol. It does what a
//! go-plugin server does: checks the magic cookie, picks the highest protocol version the
//! host offers (installed under a name ending `_x5`, it offers only 5, so tests can
//! have both), listens on a Unix
//! socket with mutual TLS when the host sent `PLUGIN_CLIENT_CERT`, prints the handshake line
//! and serves `tfplugin5.Provider` or `tfplugin6.Provider` plus go-plugin's controller.

mod cloud;
mod extra;
mod schema;
mod serve;

use autostack_provider_plugin::process::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};

fn main() {
    if std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        eprintln!("This binary is a plugin. These are not meant to be executed directly.\nPlease execute the program that consumes these plugins, which will\nload any plugins automatically");
        std::process::exit(1);
    }
    // Installed as `..._x5` (Terraform's suffix for protocol-5 plugins) it speaks only 5.
    let exe = std::env::args().next().unwrap_or_default();
    let cap: u32 = if exe.ends_with("_x5") { 5 } else { 6 };
    let offered = std::env::var("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_else(|_| "5".into());
    let Some(protocol) = offered
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .filter(|v| (5..=cap).contains(v))
        .max()
    else {
        eprintln!("Incompatible API version with plugin. Plugin version: 5, 6; client versions: {offered}");
        std::process::exit(1);
    };
    // A host killed without shutting its plugins down leaves no test provider behind.
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if std::os::unix::process::parent_id() != parent {
            std::process::exit(0);
        }
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    if let Err(e) = rt.block_on(serve::serve(protocol)) {
        eprintln!("testcloud: {e}");
        std::process::exit(1);
    }
}
