//! Prepares, when handbill itself is compiled, what every build would
//! otherwise work out again from the same text (docs/decisions.md, "What
//! every build read, prepared when handbill is compiled"):
//!
//! - the built-in templates' pieces (src/template/pieces.rs), compiled with
//!   Handlebars, written as Rust code that builds the same compiled
//!   templates (src/template/builtin.rs);
//! - the built-in theme, themes/default.yaml, written as JSON, which reads
//!   in a tenth of the time of YAML (src/theme.rs).
//!
//! A template that uses anything this does not write out (decorators,
//! partials) is left out, and handbill compiles it at run time as it does
//! a project's own.

use std::fmt::Write as _;

use handlebars::template::{BlockParam, HelperTemplate, Parameter, TemplateElement};
use handlebars::{Path, PathSeg, Template};

#[path = "src/template/pieces.rs"]
mod pieces;

/// The built-in templates' files, as src/template.rs names them.
const FILES: &[&str] = &["templates/leaflet.hbs", "templates/briefing-pack.hbs"];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/template/pieces.rs");
    let mut code = String::from(
        "/// The compiled pieces of a built-in template's text, each with the\n\
         /// number of lines before it; none for any other text.\n\
         pub fn pieces(text: &str) -> Option<Vec<(usize, Template)>> {\n",
    );
    for file in FILES {
        println!("cargo::rerun-if-changed={file}");
        let text = std::fs::read_to_string(file).expect("a built-in template");
        let Some(body) = compiled(&text) else {
            continue;
        };
        writeln!(
            code,
            "    if text == include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{file}\")) {{\n        return Some(vec![{body}]);\n    }}"
        )
        .unwrap();
    }
    code.push_str("    None\n}\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("builtin_templates.rs"), code).expect("OUT_DIR is writable");

    println!("cargo::rerun-if-changed=themes/default.yaml");
    let theme = std::fs::read_to_string("themes/default.yaml").expect("the built-in theme");
    let theme: serde_json::Value =
        serde_saphyr::from_str(&theme).expect("the built-in theme is YAML");
    std::fs::write(out.join("default_theme.json"), theme.to_string()).expect("OUT_DIR is writable");
}

/// The code of a template's compiled pieces, or none if a piece does not
/// compile or uses what is not written out.
fn compiled(text: &str) -> Option<String> {
    let text = pieces::blank_comments(text);
    let mut out = String::new();
    for piece in pieces::pieces(&text) {
        // A piece of a long line: its messages' columns need an offset
        // that is not written out; such a template is compiled as it is read.
        if piece.columns_before != 0 {
            return None;
        }
        let t = Template::compile(&text[piece.bytes]).ok()?;
        write!(out, "({}, {}), ", piece.lines_before, template(&t)?).unwrap();
    }
    Some(out)
}

fn template(t: &Template) -> Option<String> {
    let mut out = format!("t({:?}, vec![", t.name);
    for e in &t.elements {
        out.push_str(&element(e)?);
        out.push_str(", ");
    }
    out.push_str("])");
    Some(out)
}

fn element(e: &TemplateElement) -> Option<String> {
    Some(match e {
        TemplateElement::RawString(s) => format!("TemplateElement::RawString({s:?}.to_owned())"),
        TemplateElement::Comment(s) => format!("TemplateElement::Comment({s:?}.to_owned())"),
        TemplateElement::Expression(h) => format!("TemplateElement::Expression({})", helper(h)?),
        TemplateElement::HtmlExpression(h) => {
            format!("TemplateElement::HtmlExpression({})", helper(h)?)
        }
        TemplateElement::HelperBlock(h) => format!("TemplateElement::HelperBlock({})", helper(h)?),
        _ => return None,
    })
}

fn helper(h: &HelperTemplate) -> Option<String> {
    // The one field Handlebars does not show but in its debug form, which
    // ends with it; the test in src/template/builtin.rs compares the result
    // with what Handlebars compiles.
    let indent = format!("{h:?}").ends_with("indent_before_write: true }");
    let block_param = match &h.block_param {
        None => "None".to_string(),
        Some(BlockParam::Single(p)) => format!("Some(BlockParam::Single({}))", param(p)?),
        Some(BlockParam::Pair((a, b))) => {
            format!("Some(BlockParam::Pair(({}, {})))", param(a)?, param(b)?)
        }
        Some(_) => return None,
    };
    let optional = |t: &Option<Template>| match t {
        None => Some("None".to_string()),
        Some(t) => Some(format!("Some({})", template(t)?)),
    };
    Some(format!(
        "helper({}, vec![{}], vec![{}], {block_param}, {}, {}, {}, {}, {indent})",
        param(&h.name)?,
        params(&h.params)?,
        hash(&h.hash)?,
        optional(&h.template)?,
        optional(&h.inverse)?,
        h.block,
        h.chain,
    ))
}

fn params(ps: &[Parameter]) -> Option<String> {
    let mut out = String::new();
    for p in ps {
        out.push_str(&param(p)?);
        out.push_str(", ");
    }
    Some(out)
}

fn hash(h: &std::collections::HashMap<String, Parameter>) -> Option<String> {
    let mut pairs: Vec<_> = h.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    for (k, p) in pairs {
        write!(out, "({k:?}, {}), ", param(p)?).unwrap();
    }
    Some(out)
}

fn param(p: &Parameter) -> Option<String> {
    Some(match p {
        Parameter::Name(n) => format!("Parameter::Name({n:?}.to_owned())"),
        Parameter::Path(Path::Relative((segs, raw))) => {
            let named: Option<Vec<&String>> = segs
                .iter()
                .map(|s| match s {
                    PathSeg::Named(n) => Some(n),
                    _ => None,
                })
                .collect();
            match named {
                Some(names) => format!("named_path(&{names:?}, {raw:?})"),
                None => format!("path({raw:?})"),
            }
        }
        Parameter::Path(Path::Local((_, _, raw))) => format!("path({raw:?})"),
        Parameter::Literal(v) => format!("literal({:?})", v.to_string()),
        Parameter::Subexpression(s) => match s.as_element() {
            TemplateElement::Expression(h) => format!(
                "Parameter::Subexpression(Subexpression::new({}, vec![{}], hash(vec![{}])))",
                param(&h.name)?,
                params(&h.params)?,
                hash(&h.hash)?
            ),
            _ => return None,
        },
        _ => return None,
    })
}
