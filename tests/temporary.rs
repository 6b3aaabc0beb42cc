//! Temporary files never follow links: a batch run in this process (so the
//! process id in every temporary name is known) with a symlink planted at
//! every name it could use, for the PDF, the press sheets and the manifest,
//! writes everything it should and nothing through a link.

mod common;

use common::*;
use handbill::batch::{self, Batch, Outcome};
use handbill::pdf::impose::Imposition;

#[test]
fn a_batch_never_writes_through_a_planted_link() {
    let dir = project("temporary-links");
    std::fs::write(
        dir.join("briefings/b.yaml"),
        "profile: kazakhstan\ntemplate: leaflet-a5\naudience: public\nsections: [overview]\nvalues:\n  headline: Free them\n",
    )
    .unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    // Every name but the last of each file is a link: to the victim, or
    // dangling, to a file that does not exist yet.
    let names = ["b.pdf", "b-imposed.pdf", batch::MANIFEST];
    let last = handbill::TEMPORARY_ATTEMPTS - 1;
    let mut planted = Vec::new();
    for name in names {
        for attempt in 0..last {
            let link = handbill::temporary_name(&out, name, attempt);
            let target = if attempt % 2 == 0 {
                victim.clone()
            } else {
                dir.join(format!("created-{name}-{attempt}"))
            };
            std::os::unix::fs::symlink(&target, &link).unwrap();
            planted.push((link, target));
        }
    }
    let run = Batch {
        out: out.clone(),
        options: handbill::BuildOptions {
            impose: Some(Imposition::TwoUp),
            ..Default::default()
        },
        jobs: 1,
        force: true,
        dry_run: false,
        process_ends_after: false,
    };
    let jobs = batch::jobs(&[dir.join("briefings/b.yaml")]);
    let outcomes = batch::run(&jobs, &run, &|_, _, _| {});
    for outcome in &outcomes {
        if let Outcome::Failed(e) = outcome {
            panic!("{e}");
        }
    }
    assert!(
        std::fs::read(out.join("b.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
    assert!(
        std::fs::read(out.join("b-imposed.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
    assert!(
        std::fs::read_to_string(out.join(batch::MANIFEST))
            .unwrap()
            .contains("b.pdf\t")
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    for (link, target) in planted {
        assert!(link.symlink_metadata().unwrap().is_symlink(), "{link:?}");
        if target != victim {
            assert!(!target.exists(), "{target:?} was created through a link");
        }
    }
    for name in names {
        assert!(
            !handbill::temporary_name(&out, name, last).exists(),
            "{name}"
        );
    }
}
