//! Calling things: builtins from the table, bound methods, user functions
//! (with Python's argument binding rules) and classes used as constructors.

use std::rc::Rc;
use std::sync::Arc;

use super::error::{ExcType, PyErr, PyResult};
use super::eval::{Args, Interp};
use super::exec::Flow;
use super::RECURSION_LIMIT;
use crate::builtins::Keywords;
use crate::value::{Function, FunctionBody, Value};

impl Interp<'_> {
    /// Call any callable value.
    pub fn call_value(&mut self, f: &Value, mut args: Args) -> PyResult<Value> {
        match f {
            Value::Builtin(b) if b.keywords == Keywords::None && !args.keywords.is_empty() => {
                Err(b.keywords_error(None))
            }
            Value::Method(recv, b) if b.keywords == Keywords::None && !args.keywords.is_empty() => {
                Err(b.keywords_error(Some(recv)))
            }
            Value::Builtin(b) => (b.func)(self, args),
            Value::Method(recv, b) => {
                args.positional.insert(0, (**recv).clone());
                args.c_parser = b.keywords == Keywords::CParser;
                (b.func)(self, args)
            }
            Value::Function(func) => self.call_function(func, args),
            Value::Type(t) => crate::builtins::python::construct(self, *t, args),
            other => Err(PyErr::type_err(format!("'{}' object is not callable", other.type_name()))),
        }
    }

    fn call_function(&mut self, func: &Rc<Function>, args: Args) -> PyResult<Value> {
        if self.call_depth >= RECURSION_LIMIT {
            return Err(PyErr::new(ExcType::RecursionError, "maximum recursion depth exceeded"));
        }
        let frame = Interp::new_frame();
        bind_arguments(func, args, &mut frame.borrow_mut())?;
        let saved = self.enter_scope(frame, Rc::clone(&func.closure), Arc::clone(&func.local_names));
        self.call_depth += 1;
        let result = crate::stack::grow(256 * 1024, 4 * 1024 * 1024, || match &func.body {
            FunctionBody::Block(body) => self.exec_block(body).map(|flow| match flow {
                Flow::Return(v) => v,
                _ => Value::None,
            }),
            FunctionBody::Lambda(e) => self.eval(e),
        });
        self.call_depth -= 1;
        self.leave_scope(saved);
        // Spans inside the body belong to the cell that defined it: drop them,
        // the caller attaches the call's span.
        result.map_err(|mut e| {
            e.span = None;
            e.operands.clear();
            e
        })
    }
}

/// Python's rules for binding call arguments to parameters.
fn bind_arguments(func: &Function, args: Args, frame: &mut crate::value::Names) -> PyResult<()> {
    let name = &func.name;
    let params = &func.params;
    let npos = params.positional.len();
    let mut positional = args.positional.into_iter();
    let mut bound: Vec<Option<Value>> = vec![None; npos];
    for slot in bound.iter_mut() {
        match positional.next() {
            Some(v) => *slot = Some(v),
            None => break,
        }
    }
    let extra: Vec<Value> = positional.collect();
    if !extra.is_empty() {
        match &params.star {
            Some(star) => {
                frame.insert(star.clone(), Value::tuple(extra));
            }
            None => {
                let given = npos + extra.len();
                let required = params.positional.iter().filter(|(_, d)| d.is_none()).count();
                let takes = if required == npos {
                    format!("{npos} positional argument{}", if npos == 1 { "" } else { "s" })
                } else {
                    format!("from {required} to {npos} positional arguments")
                };
                return Err(PyErr::type_err(format!(
                    "{name}() takes {takes} but {given} {} given",
                    if given == 1 { "was" } else { "were" }
                )));
            }
        }
    } else if let Some(star) = &params.star {
        frame.insert(star.clone(), Value::tuple(Vec::new()));
    }
    let mut kwargs = crate::value::Dict::default();
    for (k, v) in args.keywords {
        if let Some(i) = params.positional.iter().position(|(p, _)| *p == k) {
            if bound[i].is_some() {
                return Err(PyErr::type_err(format!("{name}() got multiple values for argument '{k}'")));
            }
            bound[i] = Some(v);
        } else if params.keyword_only.iter().any(|(p, _)| *p == k) {
            frame.insert(k.into_string(), v);
        } else if params.double_star.is_some() {
            kwargs.entries.push((Value::str(&k), v));
        } else {
            let known: Vec<&str> =
                params.positional.iter().chain(&params.keyword_only).map(|(p, _)| p.as_str()).collect();
            return Err(crate::builtins::unexpected_keyword_error(name, &k, &known));
        }
    }
    let mut missing = Vec::new();
    for (i, slot) in bound.into_iter().enumerate() {
        let pname = &params.positional[i].0;
        match slot.or_else(|| func.defaults.get(i).cloned().flatten()) {
            Some(v) => {
                frame.insert(pname.clone(), v);
            }
            None => missing.push(pname.clone()),
        }
    }
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
        let list = match names.len() {
            1 => names[0].clone(),
            2 => format!("{} and {}", names[0], names[1]),
            _ => format!("{}, and {}", names[..names.len() - 1].join(", "), names[names.len() - 1]),
        };
        return Err(PyErr::type_err(format!(
            "{name}() missing {} required positional argument{}: {list}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        )));
    }
    for (i, (p, _)) in params.keyword_only.iter().enumerate() {
        if !frame.contains_key(p) {
            match func.kw_defaults.get(i).cloned().flatten() {
                Some(v) => {
                    frame.insert(p.clone(), v);
                }
                None => {
                    return Err(PyErr::type_err(format!("{name}() missing 1 required keyword-only argument: '{p}'")))
                }
            }
        }
    }
    if let Some(ds) = &params.double_star {
        frame.insert(ds.clone(), Value::Dict(Rc::new(std::cell::RefCell::new(kwargs))));
    }
    Ok(())
}
