//! The built-in templates' pieces, compiled when handbill itself is
//! compiled (build.rs writes the code that builds them): a build of a
//! built-in template does not parse it again. Handlebars works out the line
//! and column of every tag as it parses, at a cost that grows with the
//! square of a piece's length; the built-in leaflet's pieces took 14
//! million instructions, a fifth of a leaflet's build.
//!
//! What this builds has no places (Handlebars keeps them only for its
//! messages): a copy that fails to render is rendered again from the
//! template compiled at run time, so its message names the line and column
//! as before (`Compiled::render`).

use std::collections::HashMap;

use handlebars::template::{BlockParam, HelperTemplate, Parameter, Subexpression, TemplateElement};
use handlebars::{Path, PathSeg, Template};

/// The code build.rs writes: `pieces(text)`. The functions below build its
/// parts, each kept out of line so the code stays small.
#[allow(clippy::all, clippy::pedantic)]
mod generated {
    use super::*;
    include!(concat!(env!("OUT_DIR"), "/builtin_templates.rs"));
}

/// The compiled pieces of `text` if it is a built-in template's, each with
/// the number of lines before it and named `{name}#{i}`, as
/// `template::compile` would register them.
pub fn pieces(text: &str, name: &str) -> Option<Vec<(String, usize, Template)>> {
    let pieces = generated::pieces(text)?;
    Some(
        pieces
            .into_iter()
            .enumerate()
            .map(|(i, (lines_before, mut t))| {
                let name = format!("{name}#{i}");
                t.name = Some(name.clone());
                (name, lines_before, t)
            })
            .collect(),
    )
}

#[inline(never)]
fn t(name: Option<&str>, elements: Vec<TemplateElement>) -> Template {
    let mut t = Template::new();
    t.name = name.map(str::to_owned);
    t.elements = elements;
    t
}

#[inline(never)]
fn named_path(segs: &[&str], raw: &str) -> Parameter {
    let segs = segs
        .iter()
        .map(|s| PathSeg::Named((*s).to_owned()))
        .collect();
    Parameter::Path(Path::Relative((segs, raw.to_owned())))
}

#[inline(never)]
fn path(raw: &str) -> Parameter {
    Parameter::Path(Path::parse(raw).expect("a path Handlebars parsed when handbill was compiled"))
}

#[inline(never)]
fn literal(json: &str) -> Parameter {
    Parameter::Literal(serde_json::from_str(json).expect("JSON written by build.rs"))
}

#[inline(never)]
fn hash(pairs: Vec<(&str, Parameter)>) -> HashMap<String, Parameter> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn helper(
    name: Parameter,
    params: Vec<Parameter>,
    hash_pairs: Vec<(&str, Parameter)>,
    block_param: Option<BlockParam>,
    template: Option<Template>,
    inverse: Option<Template>,
    block: bool,
    chain: bool,
    indent_before_write: bool,
) -> Box<HelperTemplate> {
    let spec = handlebars::template::ExpressionSpecBuilder::default()
        .name(name)
        .params(params)
        .hash(hash(hash_pairs))
        .omit_pre_ws(false)
        .omit_pro_ws(false)
        .build()
        .expect("every field is set");
    let mut h = HelperTemplate::new(spec, block, indent_before_write);
    h.block_param = block_param;
    h.template = template;
    h.inverse = inverse;
    h.chain = chain;
    Box::new(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `t` without the places of its tags, at every depth.
    fn forget_places(t: &mut Template) {
        t.mapping.clear();
        for e in &mut t.elements {
            if let TemplateElement::Expression(h)
            | TemplateElement::HtmlExpression(h)
            | TemplateElement::HelperBlock(h) = e
            {
                for inner in [&mut h.template, &mut h.inverse].into_iter().flatten() {
                    forget_places(inner);
                }
            }
        }
    }

    /// What build.rs wrote builds what Handlebars compiles from the same
    /// pieces, but for the places, which it leaves out.
    #[test]
    fn built_in_pieces_are_what_handlebars_compiles() {
        for (name, text) in crate::template::BUILTIN {
            let built = pieces(text, name).expect("a built-in template is compiled ahead");
            let blank = super::super::blank_comments(text);
            let cut = super::super::pieces(&blank);
            assert_eq!(built.len(), cut.len(), "{name}");
            for ((piece_name, lines_before, t), piece) in built.into_iter().zip(cut) {
                assert_eq!(lines_before, piece.lines_before, "{piece_name}");
                let mut want = Template::compile_with_name(&blank[piece.bytes], piece_name.clone())
                    .expect("a built-in piece compiles");
                forget_places(&mut want);
                assert_eq!(t, want, "{piece_name}");
            }
        }
        assert!(
            pieces("{{x}}", "mine").is_none(),
            "other text is compiled at run time"
        );
    }
}
