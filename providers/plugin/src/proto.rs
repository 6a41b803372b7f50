//! The plugin protocol's generated messages, clients and servers.
#![allow(missing_docs, clippy::all)]

/// Protocol 6 (and the messages protocol 5 shares).
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}
/// Protocol 5.
pub mod tfplugin5 {
    tonic::include_proto!("tfplugin5");
}
/// go-plugin's controller.
pub mod controller {
    tonic::include_proto!("plugin");
}
