//! Compiles the plugin protocol's .proto files with protox (no protoc binary needed) and
//! generates prost messages with tonic clients and servers (the servers serve the test
//! provider).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "proto/tfplugin6.proto",
        "proto/tfplugin5.proto",
        "proto/grpc_controller.proto",
    ];
    for f in files {
        println!("cargo:rerun-if-changed={f}");
    }
    let descriptors = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
