//! The gRPC side: the socket, TLS, the handshake line and both protocol versions' services
//! over one [`Cloud`].

use crate::cloud::Cloud;
use crate::schema::{provider_schema, provider_schema_v5};
use autostack_provider_plugin::proto::controller::{self, grpc_controller_server as ctl};
use autostack_provider_plugin::proto::tfplugin5::{self as v5, provider_server as s5};
use autostack_provider_plugin::proto::tfplugin6::{self as v6, provider_server as s6};
use autostack_provider_plugin::tls::{pem_cert, server_config, Identity};
use base64::Engine as _;
use std::io::Write as _;
use std::sync::Arc;
use tokio_stream::StreamExt as _;
use tonic::{Request, Response, Status};

type Reply<T> = Result<Response<T>, Status>;

/// The services, sharing one provider.
#[derive(Clone)]
struct Server {
    cloud: Arc<Cloud>,
    shutdown: Arc<tokio::sync::Notify>,
}

/// Listens, prints the handshake and serves until the host calls Shutdown.
pub async fn serve(protocol: u32) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("testcloud-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let socket = dir.join("plugin.sock");
    let _ = std::fs::remove_file(&socket);
    let listener = tokio::net::UnixListener::bind(&socket).map_err(|e| e.to_string())?;
    let tls = match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) => {
            let identity = Identity::generate()?;
            let cfg = server_config(&identity, pem_cert(&pem)?)?;
            Some((
                identity.cert.to_vec(),
                tokio_rustls::TlsAcceptor::from(Arc::new(cfg)),
            ))
        }
        Err(_) => None,
    };
    let cert = tls
        .as_ref()
        .map(|(der, _)| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    println!("1|{protocol}|unix|{}|grpc|{cert}", socket.display());
    let _ = std::io::stdout().flush();
    let server = Server {
        cloud: Arc::new(Cloud::new()),
        shutdown: Arc::new(tokio::sync::Notify::new()),
    };
    let stop = server.shutdown.clone();
    let router = tonic::transport::Server::builder()
        .add_service(ctl::GrpcControllerServer::new(server.clone()));
    let router = if protocol == 5 {
        router.add_service(
            s5::ProviderServer::new(server.clone()).max_decoding_message_size(64 << 20),
        )
    } else {
        router.add_service(
            s6::ProviderServer::new(server.clone()).max_decoding_message_size(64 << 20),
        )
    };
    let incoming = tokio_stream::wrappers::UnixListenerStream::new(listener);
    let result = match tls {
        Some((_, acceptor)) => {
            let streams = incoming.then(move |s| {
                let acceptor = acceptor.clone();
                async move { acceptor.accept(s?).await.map(TlsConn) }
            });
            router
                .serve_with_incoming_shutdown(streams, stop.notified())
                .await
        }
        None => {
            router
                .serve_with_incoming_shutdown(incoming, stop.notified())
                .await
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    result.map_err(|e| e.to_string())
}

fn diags<T: Default>(f: impl FnOnce(&mut T, Vec<v6::Diagnostic>), d: Vec<v6::Diagnostic>) -> T {
    let mut t = T::default();
    f(&mut t, d);
    t
}

#[tonic::async_trait]
impl ctl::GrpcController for Server {
    async fn shutdown(&self, _: Request<controller::Empty>) -> Reply<controller::Empty> {
        self.shutdown.notify_one();
        Ok(Response::new(controller::Empty {}))
    }
}

/// The protocol-6 service; protocol 5 forwards to these methods.
#[tonic::async_trait]
impl s6::Provider for Server {
    async fn get_provider_schema(
        &self,
        _: Request<v6::get_provider_schema::Request>,
    ) -> Reply<v6::get_provider_schema::Response> {
        Ok(Response::new(provider_schema()))
    }
    async fn validate_provider_config(
        &self,
        _: Request<v6::validate_provider_config::Request>,
    ) -> Reply<v6::validate_provider_config::Response> {
        Ok(Response::new(Default::default()))
    }
    async fn validate_resource_config(
        &self,
        r: Request<v6::validate_resource_config::Request>,
    ) -> Reply<v6::validate_resource_config::Response> {
        let d = self.cloud.validate(r.get_ref().config.as_ref());
        Ok(Response::new(v6::validate_resource_config::Response {
            diagnostics: d,
        }))
    }
    async fn validate_data_resource_config(
        &self,
        _: Request<v6::validate_data_resource_config::Request>,
    ) -> Reply<v6::validate_data_resource_config::Response> {
        Ok(Response::new(Default::default()))
    }
    async fn upgrade_resource_state(
        &self,
        r: Request<v6::upgrade_resource_state::Request>,
    ) -> Reply<v6::upgrade_resource_state::Response> {
        Ok(Response::new(
            self.cloud.upgrade(r.get_ref()).unwrap_or_else(|d| {
                diags(
                    |t: &mut v6::upgrade_resource_state::Response, d| t.diagnostics = d,
                    d,
                )
            }),
        ))
    }
    async fn configure_provider(
        &self,
        r: Request<v6::configure_provider::Request>,
    ) -> Reply<v6::configure_provider::Response> {
        Ok(Response::new(v6::configure_provider::Response {
            diagnostics: self.cloud.configure(r.get_ref().config.as_ref()),
        }))
    }
    async fn read_resource(
        &self,
        r: Request<v6::read_resource::Request>,
    ) -> Reply<v6::read_resource::Response> {
        Ok(Response::new(self.cloud.read(r.get_ref()).unwrap_or_else(
            |d| {
                diags(
                    |t: &mut v6::read_resource::Response, d| t.diagnostics = d,
                    d,
                )
            },
        )))
    }
    async fn plan_resource_change(
        &self,
        r: Request<v6::plan_resource_change::Request>,
    ) -> Reply<v6::plan_resource_change::Response> {
        Ok(Response::new(self.cloud.plan(r.get_ref()).unwrap_or_else(
            |d| {
                diags(
                    |t: &mut v6::plan_resource_change::Response, d| t.diagnostics = d,
                    d,
                )
            },
        )))
    }
    async fn apply_resource_change(
        &self,
        r: Request<v6::apply_resource_change::Request>,
    ) -> Reply<v6::apply_resource_change::Response> {
        Ok(Response::new(self.cloud.apply(r.get_ref()).unwrap_or_else(
            |d| {
                diags(
                    |t: &mut v6::apply_resource_change::Response, d| t.diagnostics = d,
                    d,
                )
            },
        )))
    }
    async fn import_resource_state(
        &self,
        r: Request<v6::import_resource_state::Request>,
    ) -> Reply<v6::import_resource_state::Response> {
        Ok(Response::new(
            self.cloud.import(r.get_ref()).unwrap_or_else(|d| {
                diags(
                    |t: &mut v6::import_resource_state::Response, d| t.diagnostics = d,
                    d,
                )
            }),
        ))
    }
    async fn move_resource_state(
        &self,
        r: Request<v6::move_resource_state::Request>,
    ) -> Reply<v6::move_resource_state::Response> {
        if !crate::extra::moves_state() {
            return Err(Status::unimplemented("MoveResourceState"));
        }
        Ok(Response::new(
            crate::extra::move_state(&self.cloud, r.get_ref()).unwrap_or_else(|d| {
                diags(
                    |t: &mut v6::move_resource_state::Response, d| t.diagnostics = d,
                    d,
                )
            }),
        ))
    }
    async fn read_data_source(
        &self,
        r: Request<v6::read_data_source::Request>,
    ) -> Reply<v6::read_data_source::Response> {
        Ok(Response::new(
            self.cloud.read_data(r.get_ref()).unwrap_or_else(|d| {
                diags(
                    |t: &mut v6::read_data_source::Response, d| t.diagnostics = d,
                    d,
                )
            }),
        ))
    }
    async fn get_functions(
        &self,
        _: Request<v6::get_functions::Request>,
    ) -> Reply<v6::get_functions::Response> {
        Ok(Response::new(v6::get_functions::Response {
            functions: provider_schema().functions,
            diagnostics: Vec::new(),
        }))
    }
    async fn call_function(
        &self,
        r: Request<v6::call_function::Request>,
    ) -> Reply<v6::call_function::Response> {
        Ok(Response::new(crate::extra::call(r.get_ref())))
    }
    async fn stop_provider(
        &self,
        _: Request<v6::stop_provider::Request>,
    ) -> Reply<v6::stop_provider::Response> {
        Ok(Response::new(Default::default()))
    }
}

#[tonic::async_trait]
impl s5::Provider for Server {
    async fn get_schema(
        &self,
        _: Request<v5::get_provider_schema::Request>,
    ) -> Reply<v5::get_provider_schema::Response> {
        Ok(Response::new(provider_schema_v5()))
    }
    async fn prepare_provider_config(
        &self,
        r: Request<v5::prepare_provider_config::Request>,
    ) -> Reply<v5::prepare_provider_config::Response> {
        Ok(Response::new(v5::prepare_provider_config::Response {
            prepared_config: r.into_inner().config,
            diagnostics: Vec::new(),
        }))
    }
    async fn validate_resource_type_config(
        &self,
        r: Request<v6::validate_resource_config::Request>,
    ) -> Reply<v6::validate_resource_config::Response> {
        s6::Provider::validate_resource_config(self, r).await
    }
    async fn validate_data_source_config(
        &self,
        r: Request<v6::validate_data_resource_config::Request>,
    ) -> Reply<v6::validate_data_resource_config::Response> {
        s6::Provider::validate_data_resource_config(self, r).await
    }
    async fn upgrade_resource_state(
        &self,
        r: Request<v6::upgrade_resource_state::Request>,
    ) -> Reply<v6::upgrade_resource_state::Response> {
        s6::Provider::upgrade_resource_state(self, r).await
    }
    async fn configure(
        &self,
        r: Request<v6::configure_provider::Request>,
    ) -> Reply<v6::configure_provider::Response> {
        s6::Provider::configure_provider(self, r).await
    }
    async fn read_resource(
        &self,
        r: Request<v6::read_resource::Request>,
    ) -> Reply<v6::read_resource::Response> {
        s6::Provider::read_resource(self, r).await
    }
    async fn plan_resource_change(
        &self,
        r: Request<v6::plan_resource_change::Request>,
    ) -> Reply<v6::plan_resource_change::Response> {
        s6::Provider::plan_resource_change(self, r).await
    }
    async fn apply_resource_change(
        &self,
        r: Request<v6::apply_resource_change::Request>,
    ) -> Reply<v6::apply_resource_change::Response> {
        s6::Provider::apply_resource_change(self, r).await
    }
    async fn import_resource_state(
        &self,
        r: Request<v6::import_resource_state::Request>,
    ) -> Reply<v6::import_resource_state::Response> {
        s6::Provider::import_resource_state(self, r).await
    }
    async fn move_resource_state(
        &self,
        r: Request<v6::move_resource_state::Request>,
    ) -> Reply<v6::move_resource_state::Response> {
        s6::Provider::move_resource_state(self, r).await
    }
    async fn read_data_source(
        &self,
        r: Request<v6::read_data_source::Request>,
    ) -> Reply<v6::read_data_source::Response> {
        s6::Provider::read_data_source(self, r).await
    }
    async fn get_functions(
        &self,
        r: Request<v6::get_functions::Request>,
    ) -> Reply<v6::get_functions::Response> {
        s6::Provider::get_functions(self, r).await
    }
    async fn call_function(
        &self,
        r: Request<v6::call_function::Request>,
    ) -> Reply<v6::call_function::Response> {
        s6::Provider::call_function(self, r).await
    }
    async fn stop(
        &self,
        r: Request<v6::stop_provider::Request>,
    ) -> Reply<v6::stop_provider::Response> {
        s6::Provider::stop_provider(self, r).await
    }
}

/// A TLS stream tonic can serve (it knows no TLS types of its own in this build).
struct TlsConn(tokio_rustls::server::TlsStream<tokio::net::UnixStream>);

impl tonic::transport::server::Connected for TlsConn {
    type ConnectInfo = ();
    fn connect_info(&self) {}
}

impl tokio::io::AsyncRead for TlsConn {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for TlsConn {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}
