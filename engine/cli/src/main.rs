//! The `autostack` binary.

fn main() {
    println!("autostack {}", env!("CARGO_PKG_VERSION"));
}
