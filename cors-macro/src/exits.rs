//! A body's early exits (`return`, `?`), turned into breaks out of a labeled block so the body can run
//! in place.
//!
//! Without this, leaving the body early would skip the CORS step, so the body has to run in an async
//! block of its own; awaiting that block makes the handler's future hold the request twice (rustc keeps
//! an `async fn`'s parameters for the whole future), which costs a measurable part of the overhead.
//!
//! The body is parsed only to find its exits, and kept as tokens (the nested block) whenever it cannot
//! be rewritten with certainty: when it does not parse, so rustc reports the syntax error as written; when
//! it holds a macro call or an attribute that may be a macro, whose expansion is not visible here and may
//! `return`; and when it uses `?` in a handler that does not return a `Result`, so rustc's own `?` error
//! is shown.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Block, Expr, ExprBreak, Item, Lifetime, Macro, Stmt};

/// The body as statements whose `return`s and `?`s break out of a block labeled `label`, or `None` when
/// it must run in a block of its own (see the module docs).
///
/// `returns_result` says whether the handler's declared return type is a `Result<T, E>`, the only
/// type a rewritten `?` can produce.
pub(crate) fn in_place(
    body: &TokenStream,
    label: &Lifetime,
    returns_result: bool,
) -> Option<InPlace> {
    let mut stmts = syn::parse::Parser::parse2(Block::parse_within, body.clone()).ok()?;
    let mut rewriter = Rewriter {
        label,
        opaque: false,
        breaks: false,
        question_mark: false,
        loops: 0,
    };
    for stmt in &mut stmts {
        rewriter.visit_stmt_mut(stmt);
    }
    if rewriter.opaque || (rewriter.question_mark && !returns_result) {
        return None;
    }
    Some(InPlace {
        stmts: quote!(#(#stmts)*),
        breaks: rewriter.breaks,
    })
}

/// A body rewritten to run in place.
pub(crate) struct InPlace {
    /// Its statements.
    pub(crate) stmts: TokenStream,
    /// Whether any of them breaks out of the label (which is otherwise unused, and warned about).
    pub(crate) breaks: bool,
}

struct Rewriter<'a> {
    label: &'a Lifetime,
    /// Whether the body holds something whose expansion may leave it.
    opaque: bool,
    /// Whether an exit was rewritten as a break, and whether one of them was a `?`.
    breaks: bool,
    question_mark: bool,
    /// How many loops the visited expression is in.
    loops: usize,
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            // A `return` or `?` in these leaves them, not the handler.
            Expr::Closure(_) | Expr::Async(_) | Expr::TryBlock(_) | Expr::Const(_) => {}
            // Syntax syn does not model (`become`, `do yeet`): it may leave the function. An empty
            // one is a stray `;`.
            Expr::Verbatim(tokens) => self.opaque |= !tokens.is_empty(),
            Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_) => {
                self.loops += 1;
                visit_mut::visit_expr_mut(self, expr);
                self.loops -= 1;
            }
            // An unlabeled `break` outside any loop is an error, which the label would turn into one
            // about a labeled block the user never wrote: the nested block keeps rustc's.
            Expr::Break(ExprBreak { label: None, .. }) if self.loops == 0 => self.opaque = true,
            Expr::Return(ret) => {
                visit_mut::visit_expr_return_mut(self, ret);
                self.breaks = true;
                // Located on the `return`, so errors about its value point there; hygienic, so lints
                // see generated code.
                let span = Span::mixed_site().located_at(ret.return_token.span);
                let mut label = self.label.clone();
                label.set_span(span);
                *expr = Expr::Break(ExprBreak {
                    attrs: std::mem::take(&mut ret.attrs),
                    break_token: syn::Token![break](span),
                    label: Some(label),
                    expr: ret.expr.take(),
                });
            }
            Expr::Try(question) => {
                visit_mut::visit_expr_try_mut(self, question);
                self.breaks = true;
                self.question_mark = true;
                let attrs = &question.attrs;
                let operand = &question.expr;
                // Located on the `?`, like rustc's errors for it; hygienic, so the bindings are not
                // the user's and lints see generated code.
                let span = Span::mixed_site().located_at(question.question_token.span);
                let mut label = self.label.clone();
                label.set_span(span);
                let private = quote_spanned!(span=> ::cors_runtime::__private);
                let (value, error) = (
                    syn::Ident::new("__cors_value", span),
                    syn::Ident::new("__cors_error", span),
                );
                // Parenthesized: a statement that starts with `match` ends at its `}`, so `x?[0] = 1;`
                // or `x? as u64` would not parse without them.
                *expr = Expr::Verbatim(quote_spanned! {span=>
                    #(#attrs)*
                    (match #private::QuestionMark::into_result(#operand) {
                        #private::core::result::Result::Ok(#value) => #value,
                        #private::core::result::Result::Err(#error) => {
                            break #label #private::core::result::Result::Err(
                                #private::ConvertError::convert(#error),
                            )
                        }
                    })
                });
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        match stmt {
            // A nested item's `return`s are its own; an attribute on it may be a macro, whose output
            // lands in the body.
            Stmt::Item(item) => {
                if item_attrs(item).iter().any(|attr| !is_inert(attr)) || is_macro(item) {
                    self.opaque = true;
                }
            }
            _ => visit_mut::visit_stmt_mut(self, stmt),
        }
    }

    fn visit_macro_mut(&mut self, _: &mut Macro) {
        self.opaque = true;
    }

    fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
        if !is_inert(attr) {
            self.opaque = true;
        }
    }
}

/// Whether `attr` is one of rustc's built-in attributes that cannot expand to code (their names are
/// reserved, so no macro can take them), or a tool attribute.
fn is_inert(attr: &Attribute) -> bool {
    let path = attr.path();
    if let Some(first) = path.segments.first() {
        if path.segments.len() > 1 {
            return first.ident == "rustfmt" || first.ident == "clippy";
        }
        const INERT: &[&str] = &[
            "allow",
            "cfg",
            "cold",
            "deny",
            "deprecated",
            "derive",
            "doc",
            "expect",
            "forbid",
            "inline",
            "must_use",
            "non_exhaustive",
            "repr",
            "track_caller",
            "warn",
        ];
        return INERT.iter().any(|name| first.ident == name);
    }
    false
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(item) => &item.attrs,
        Item::Enum(item) => &item.attrs,
        Item::ExternCrate(item) => &item.attrs,
        Item::Fn(item) => &item.attrs,
        Item::ForeignMod(item) => &item.attrs,
        Item::Impl(item) => &item.attrs,
        Item::Macro(item) => &item.attrs,
        Item::Mod(item) => &item.attrs,
        Item::Static(item) => &item.attrs,
        Item::Struct(item) => &item.attrs,
        Item::Trait(item) => &item.attrs,
        Item::TraitAlias(item) => &item.attrs,
        Item::Type(item) => &item.attrs,
        Item::Union(item) => &item.attrs,
        Item::Use(item) => &item.attrs,
        _ => &[],
    }
}

/// A macro in item position (`name! { ... }`), or syntax syn does not model. `macro_rules!` only
/// defines a macro: calling it is a macro call, seen where it is.
fn is_macro(item: &Item) -> bool {
    match item {
        Item::Macro(item) => !item.mac.path.is_ident("macro_rules"),
        Item::Verbatim(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(body: &str) -> Option<String> {
        let label = Lifetime::new("'l", Span::call_site());
        in_place(&body.parse().unwrap(), &label, true).map(|body| body.stmts.to_string())
    }

    fn runs_in_place(body: &str) -> bool {
        rewrite(body).is_some()
    }

    #[test]
    fn bodies_without_exits_are_unchanged() {
        for body in [
            "Ok(Response::new(Body::Empty))",
            "let x = a != b; if !x { f(x).await } else { g() }",
            "let v = items.iter().map(|i| i * 2).sum::<u32>(); Ok(v)",
        ] {
            let label = Lifetime::new("'l", Span::call_site());
            let in_place = in_place(&body.parse().unwrap(), &label, true).unwrap();
            assert!(!in_place.breaks, "{body}");
            // Token for token (the spacing of punctuation may differ).
            let squeeze = |s: String| s.replace(' ', "");
            assert_eq!(
                squeeze(in_place.stmts.to_string()),
                squeeze(body.to_string())
            );
        }
    }

    #[test]
    fn returns_and_question_marks_break_out_of_the_label() {
        let body = rewrite("if a { return Ok(x); } let n = s.parse::<u32>()?; Ok(n)").unwrap();
        assert!(!body.contains("return"), "{body}");
        assert!(!body.contains('?'), "{body}");
        assert_eq!(body.matches("break 'l").count(), 2, "{body}");
        assert!(body.contains("QuestionMark :: into_result (s . parse :: < u32 > ())"));
        // Nested: the inner `?` is rewritten inside the outer one's operand.
        let body = rewrite("loop { { let v = g(h()?)?; } }").unwrap();
        assert_eq!(body.matches("break 'l").count(), 2, "{body}");
    }

    #[test]
    fn exits_of_closures_async_blocks_and_items_are_their_own() {
        for body in [
            "let f = || { return 1; }; Ok(f())",
            "let f = |s: &str| s.parse::<u8>().ok()?.checked_add(1); Ok(f(\"1\"))",
            "let fut = async { let n = g().await?; Ok::<_, E>(n) }; fut.await",
            "fn helper() -> Option<u8> { let x = Some(1)?; return Some(x); } Ok(helper())",
            "#[derive(Debug)] struct S; #[allow(dead_code)] fn f() {} Ok(S)",
        ] {
            let rewritten = rewrite(body).unwrap();
            assert!(!rewritten.contains("break"), "{rewritten}");
        }
    }

    #[test]
    fn macros_and_attribute_macros_keep_the_nested_block() {
        assert!(!runs_in_place("Ok(format!(\"{x}\"))"));
        assert!(!runs_in_place("bail![\"no\"]"));
        assert!(!runs_in_place("ensure! { ok }; Ok(())"));
        assert!(!runs_in_place("let x = if c { m!() } else { 1 }; Ok(x)"));
        assert!(!runs_in_place("#[my_attr] fn helper() {} Ok(())"));
        assert!(!runs_in_place(
            "#[cfg_attr(all(), my_attr)] fn helper() {} Ok(())"
        ));
        assert!(!runs_in_place(
            "#[allow(unused)] #[my_attr] let x = 1; Ok(x)"
        ));
        // Defining a macro is not calling it.
        assert!(runs_in_place("macro_rules! m { () => {} } Ok(())"));
        // A macro path interpolated by `macro_rules!` reaches the attribute as an invisible group.
        let interpolated: TokenStream = [
            proc_macro2::TokenTree::Group(proc_macro2::Group::new(
                proc_macro2::Delimiter::None,
                "leave".parse().unwrap(),
            )),
            proc_macro2::TokenTree::Punct(proc_macro2::Punct::new(
                '!',
                proc_macro2::Spacing::Alone,
            )),
            proc_macro2::TokenTree::Group(proc_macro2::Group::new(
                proc_macro2::Delimiter::Parenthesis,
                TokenStream::new(),
            )),
        ]
        .into_iter()
        .collect();
        let label = Lifetime::new("'l", Span::call_site());
        assert!(in_place(&interpolated, &label, true).is_none());
    }

    #[test]
    fn question_marks_need_a_result_and_unparsable_bodies_stay_tokens() {
        let label = Lifetime::new("'l", Span::call_site());
        let body: TokenStream = "let n = s.parse::<u32>()?; n".parse().unwrap();
        assert!(in_place(&body, &label, false).is_none());
        let body: TokenStream = "if a { return r; } r".parse().unwrap();
        assert!(in_place(&body, &label, false).is_some());
        let body: TokenStream = "let = ;".parse().unwrap();
        assert!(in_place(&body, &label, true).is_none());
    }

    #[test]
    fn stray_semicolons_run_in_place_and_stray_breaks_keep_rustcs_error() {
        assert!(runs_in_place("let x = 1;; fn f() {}; Ok(x)"));
        assert!(runs_in_place(
            "loop { if a { break; } } for x in y { break } Ok(())"
        ));
        assert!(runs_in_place("'outer: { if a { break 'outer; } } Ok(())"));
        assert!(!runs_in_place("if a { break; } Ok(())"));
    }

    #[test]
    fn rewritten_question_marks_are_parenthesized() {
        let body = rewrite("cells.lock()?[0] = 1; f?(2); Ok(n? as u64)").unwrap();
        assert_eq!(body.matches("(match").count(), 3, "{body}");
    }
}
