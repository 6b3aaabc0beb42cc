//! `{{calc a "+" b "*" 0.5}}`: arithmetic on the format's lengths (in
//! millimetres), `*` and `/` before `+` and `-`, rounded to two decimals.
//! It lets a template place frames in any format's panels.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, PathAndJson, RenderContext, RenderError,
    RenderErrorReason, ScopedJson,
};
use serde_json::{Value, json};

/// The largest result `calc` gives: far past any page, and small enough
/// to print as a whole number rather than in exponent form.
const LARGEST: f64 = 1e15;

/// The helper. Its result is a number, so a `calc` inside another
/// (`{{calc (calc a "+" b) "*" 2}}`) or passed to another helper is one.
pub(super) struct Calc;

impl HelperDef for Calc {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let number = |i: usize| -> Result<f64, RenderError> {
            let Some(p) = h.param(i) else {
                return Err(match i {
                    0 => bad("is given no numbers".into()),
                    _ => bad(format!(
                        "ends with {}, and a number must follow it",
                        h.param(i - 1).map_or(String::new(), written)
                    )),
                });
            };
            value_of(p)
                .ok_or_else(|| bad(format!("needs numbers, and {} {}", written(p), nature(p))))
        };
        // A sum of terms; each term a product worked out as it is read.
        let mut sum = 0.0;
        let mut sign = 1.0;
        let mut term = number(0)?;
        let mut i = 1;
        while let Some(op) = h.param(i) {
            match op.value().as_str() {
                Some(s @ ("*" | "/" | "+" | "-")) => {
                    let rhs = number(i + 1)?;
                    match s {
                        "*" => term *= rhs,
                        "/" if rhs == 0.0 => {
                            return Err(bad(format!(
                                "divides by {}, which is zero",
                                written(h.param(i + 1).expect("read above"))
                            )));
                        }
                        "/" => term /= rhs,
                        _ => {
                            sum += sign * term;
                            sign = if s == "+" { 1.0 } else { -1.0 };
                            term = rhs;
                        }
                    }
                }
                _ => {
                    return Err(bad(format!(
                        "was given {} where \"+\", \"-\", \"*\" or \"/\" belongs",
                        written(op)
                    )));
                }
            }
            i += 2;
        }
        let rounded = ((sum + sign * term) * 100.0).round() / 100.0;
        if !rounded.is_finite() || rounded.abs() >= LARGEST {
            return Err(bad("gives a number too large to print".into()));
        }
        // A whole number prints without a decimal point, `-0` as `0`.
        let result = if rounded.fract() == 0.0 {
            json!(rounded as i64)
        } else {
            json!(rounded)
        };
        Ok(ScopedJson::Derived(result))
    }
}

/// A message of `calc`'s: the first line says what is wrong, the second
/// what to do (see `errors.rs`).
fn bad(what: String) -> RenderError {
    RenderErrorReason::Other(format!(
        "`{{{{calc}}}}` {what}\nwrite e.g. `{{{{calc format.width \"-\" 20}}}}`"
    ))
    .into()
}

/// A parameter's number. Handlebars reads a number with a small `e` (`1e3`)
/// or a sign in its exponent (`1E+3`) as a name; with no value of that
/// name, it is the number written.
fn value_of(p: &PathAndJson) -> Option<f64> {
    let written = p.relative_path().filter(|_| p.value().is_null());
    match written {
        Some(name) if is_number(name) => name.parse().ok(),
        _ => p.value().as_f64(),
    }
    .filter(|n: &f64| n.is_finite())
}

/// Whether `text` is a decimal number as a template writes one: digits,
/// perhaps a sign, a point and an exponent; not `inf` or `NaN`.
fn is_number(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
}

/// A parameter as the template wrote it: its name, or the literal.
fn written(p: &PathAndJson) -> String {
    match (p.relative_path(), p.value()) {
        (Some(path), _) => format!("`{path}`"),
        (None, Value::String(s)) => format!("\"{}\"", short(s)),
        (None, other) => format!("`{other}`"),
    }
}

/// What a parameter is, in plain words (never the data dumped whole).
fn nature(p: &PathAndJson) -> String {
    match p.value() {
        Value::Null => "has no value".to_string(),
        Value::Bool(_) => "is a yes or no".to_string(),
        Value::Number(n) => format!("is {n}"),
        Value::String(_) if p.relative_path().is_none() => "is text in quotes".to_string(),
        Value::String(s) => format!("is the text “{}”", short(s)),
        Value::Array(a) if a.len() == 1 => "is a list of 1 item".to_string(),
        Value::Array(a) => format!("is a list of {} items", a.len()),
        Value::Object(o) => {
            let keys: Vec<&str> = o.keys().take(4).map(String::as_str).collect();
            let more = if o.len() > keys.len() { ", …" } else { "" };
            format!("is a group of values ({}{more})", keys.join(", "))
        }
    }
}

/// At most 40 characters of a text, for a message.
fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 40 {
        one_line
    } else {
        format!("{}…", one_line.chars().take(40).collect::<String>())
    }
}
