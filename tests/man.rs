//! man/kvwire.1 is generated from the clap definitions; this test fails when it is stale.
//! Regenerate with: `KVWIRE_REGENERATE=1 cargo test --test man`.

use clap::CommandFactory;
use std::path::PathBuf;

#[test]
fn man_page_is_current() {
    let mut buf = Vec::new();
    clap_mangen::Man::new(kvwire::cli::Cli::command())
        .render(&mut buf)
        .unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man/kvwire.1");
    if std::env::var_os("KVWIRE_REGENERATE").is_some() {
        std::fs::write(&path, &buf).unwrap();
    }
    let text = String::from_utf8(buf.clone()).unwrap();
    assert!(text.contains("kvwire") && text.contains("\\-\\-dry\\-run"), "{text}");
    assert!(
        std::fs::read(&path).unwrap_or_default() == buf,
        "man/kvwire.1 is stale: run `KVWIRE_REGENERATE=1 cargo test --test man`"
    );
}
