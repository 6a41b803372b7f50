//! Streams one AWS Price List offer file into catalog rows and reports the count, the time
//! taken and nothing else: a check that real (hundreds of MB) region files parse in bounded
//! memory. `cargo run --release -p autostack-cost --example parse_offer -- FILE OFFER REGION`

use autostack_cost::catalog::fetch::aws;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, file, offer, region] = args.as_slice() else {
        return Err("usage: parse_offer FILE OFFER REGION".into());
    };
    let started = std::time::Instant::now();
    let reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(file)?);
    let rows = aws::parse_offer(reader, offer, region)?;
    let services = rows
        .iter()
        .fold(std::collections::BTreeMap::new(), |mut m, r| {
            *m.entry(r.service.as_str()).or_insert(0) += 1;
            m
        });
    println!(
        "{} rows {services:?} in {:.2?}",
        rows.len(),
        started.elapsed()
    );
    Ok(())
}
