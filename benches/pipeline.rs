//! Criterion benchmarks of handbill's library stages on the two samples.
//!
//! ```sh
//! cargo bench --bench pipeline                 # everything
//! cargo bench --bench pipeline -- leaflet      # one sample
//! ```
//!
//! For each sample briefing (the A5 leaflet and the A4 briefing pack):
//!
//! - `lay_out`: load, select, Markdown, template, parse and layout
//!   (`handbill::Build::lay_out`);
//! - `pdf`: the PDF writer alone on the laid-out pages (`handbill::pdf::write`);
//! - `build`: the whole pipeline, writing nothing (`handbill::Build::pdf`);
//! - `preview_pages`: the laid-out pages drawn as the preview's SVG
//!   (`handbill::preview::svg::draw`), what the preview does after each
//!   layout.
//!
//! These run in one warm process, so they leave out process start-up and the
//! first-use costs (font parsing, lazily built tables) that `benches/compare.sh`
//! measures with fresh processes.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("briefings")
        .join(format!("{name}.yaml"))
}

fn stages(c: &mut Criterion) {
    let options = handbill::BuildOptions::default();
    for name in ["london-protest-leaflet", "legal-delegation-pack"] {
        let path = sample(name);
        // Fail loudly, once, rather than benchmark an error path.
        let laid = handbill::Build::new(&path)
            .lay_out()
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let mut group = c.benchmark_group(name);
        group.bench_function("lay_out", |b| {
            b.iter(|| handbill::Build::new(black_box(&path)).lay_out().unwrap())
        });
        group.bench_function("pdf", |b| {
            b.iter(|| {
                handbill::pdf::write(black_box(&laid.pages), &laid.pictures, &options.pdf).unwrap()
            })
        });
        group.bench_function("preview_pages", |b| {
            let sources = handbill::preview::svg::Sources::new();
            b.iter(|| {
                handbill::preview::svg::draw(
                    black_box(&laid.pages),
                    handbill::preview::svg::Look::default(),
                    &sources,
                    &|_, _| None,
                )
            })
        });
        group.bench_function("build", |b| {
            b.iter(|| {
                handbill::Build::new(black_box(&path))
                    .options(&options)
                    .pdf()
                    .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // The machine is small and shared: fewer, longer samples than the default.
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
        .noise_threshold(0.05);
    targets = stages
}
criterion_main!(benches);
