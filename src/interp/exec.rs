//! Statement execution.

use std::rc::Rc;
use std::sync::Arc;

use super::error::{ExcType, PyErr, PyResult};
use super::eval::Interp;
use super::pyops;
use crate::syntax::ast::{Cell, Stmt, StmtKind, Target};
use crate::value::{Function, FunctionBody, Module, Value};

/// How a statement finished.
pub enum Flow {
    Normal,
    Return(Value),
    Break,
    Continue,
}

impl Interp<'_> {
    /// Run a whole cell; returns the value IPython would display.
    pub fn run_cell(&mut self, cell: &Cell) -> PyResult<Option<Value>> {
        let n = cell.body.len();
        for (i, stmt) in cell.body.iter().enumerate() {
            if i + 1 == n {
                if let StmtKind::Expr(e) = &stmt.kind {
                    let v = self.eval(e)?;
                    return Ok(if cell.trailing_semicolon || v.is_none() { None } else { Some(v) });
                }
            }
            match self.exec(stmt)? {
                Flow::Normal => {}
                Flow::Return(_) => return Err(PyErr::new(ExcType::SyntaxError, "'return' outside function")),
                Flow::Break => return Err(PyErr::new(ExcType::SyntaxError, "'break' outside loop")),
                Flow::Continue => return Err(PyErr::new(ExcType::SyntaxError, "'continue' not properly in loop")),
            }
        }
        Ok(None)
    }

    pub fn exec_block(&mut self, body: &[Stmt]) -> PyResult<Flow> {
        for s in body {
            match self.exec(s)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    pub fn exec(&mut self, s: &Stmt) -> PyResult<Flow> {
        super::interrupt::check()?;
        self.exec_inner(s).map_err(|e| e.at(s.span))
    }

    fn exec_inner(&mut self, s: &Stmt) -> PyResult<Flow> {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.eval(e)?;
            }
            StmtKind::Assign { targets, value } => {
                let target = match targets.as_slice() {
                    [Target::Name(n, _)] => Some(n.as_str()),
                    _ => None,
                };
                let v = self.eval_into(value, target)?;
                for t in targets {
                    self.assign_target(t, v.clone())?;
                }
                // Ctrl-C during a result written over the old array: it is
                // bound, then interrupted (see `eval_into`).
                if super::interrupt::pending() {
                    super::interrupt::check()?;
                }
            }
            StmtKind::AugAssign { target, op, op_span, value } => {
                let current = self.read_target(target)?;
                let rhs = self.eval(value)?;
                let new = pyops::inplace(*op, &current, &rhs).map_err(|e| e.at(*op_span))?;
                // In-place on an array already wrote through; rebinding keeps NumPy's identity.
                self.assign_target(target, new)?;
            }
            StmtKind::AnnAssign { target, value } => {
                if let Some(v) = value {
                    let v = self.eval(v)?;
                    self.assign_target(target, v)?;
                }
            }
            StmtKind::Import(names) => {
                for n in names {
                    let module = import_module(&n.module)?;
                    let bind = match &n.alias {
                        Some(a) => a.clone(),
                        None => n.module.split('.').next().unwrap_or(&n.module).to_string(),
                    };
                    let value = if n.alias.is_none() && n.module.contains('.') {
                        import_module(n.module.split('.').next().unwrap_or(""))?
                    } else {
                        module
                    };
                    self.assign_name(&bind, value);
                }
            }
            StmtKind::ImportFrom { module, names } => {
                let m = import_module(module)?;
                for (name, alias) in names {
                    let v = if name == "*" {
                        return Err(PyErr::new(
                            ExcType::NotImplementedError,
                            "npr does not support `from ... import *`; use `import numpy as np`",
                        ));
                    } else {
                        crate::builtins::attrs::get_attr(&m, name).map_err(|_| {
                            PyErr::new(ExcType::ImportError, format!("cannot import name '{name}' from '{module}'"))
                        })?
                    };
                    self.assign_name(alias.as_ref().unwrap_or(name), v);
                }
            }
            StmtKind::FunctionDef(def) => {
                let (defaults, kw_defaults) = self.eval_defaults(&def.params)?;
                let f = Function {
                    name: def.name.clone(),
                    params: Arc::clone(&def.params),
                    defaults,
                    kw_defaults,
                    body: FunctionBody::Block(Arc::clone(&def.body)),
                    doc: def.docstring.clone(),
                    local_names: def.local_names().into(),
                    closure: self.capture(),
                };
                self.assign_name(&def.name, Value::Function(Rc::new(f)));
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::If { test, body, orelse } => {
                let t = self.eval(test)?;
                return if pyops::truthy(&t)? { self.exec_block(body) } else { self.exec_block(orelse) };
            }
            StmtKind::For { target, iter, body, orelse } => {
                let it = self.eval(iter)?;
                let items: Box<dyn Iterator<Item = Value>> = match it {
                    // Ranges are walked lazily: `for i in range(10**12): break` is fine.
                    Value::Range(a, b, c) => {
                        let n = crate::value::convert::range_len(a, b, c).unwrap_or(0) as i64;
                        Box::new((0..n).map(move |k| Value::Int((a + k * c) as i128)))
                    }
                    other => Box::new(pyops::iterate(&other)?.into_iter()),
                };
                for item in items {
                    super::interrupt::check()?;
                    self.assign_target(target, item)?;
                    match self.exec_block(body)? {
                        Flow::Break => return Ok(Flow::Normal),
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                return self.exec_block(orelse);
            }
            StmtKind::While { test, body, orelse } => {
                loop {
                    super::interrupt::check()?;
                    let t = self.eval(test)?;
                    if !pyops::truthy(&t)? {
                        break;
                    }
                    match self.exec_block(body)? {
                        Flow::Break => return Ok(Flow::Normal),
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                return self.exec_block(orelse);
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Pass => {}
            StmtKind::Assert { test, msg } => {
                let t = self.eval(test)?;
                if !pyops::truthy(&t)? {
                    let m = match msg {
                        Some(m) => {
                            let v = self.eval(m)?;
                            crate::builtins::python::str_of(self, &v)?
                        }
                        None => String::new(),
                    };
                    return Err(PyErr::new(ExcType::AssertionError, m));
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.delete_target(t)?;
                }
            }
            StmtKind::Global(names) => {
                self.global_names.extend(names.iter().cloned());
            }
            StmtKind::Nonlocal(names) => {
                self.nonlocal_names.extend(names.iter().cloned());
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                return self.exec_try(body, handlers, orelse, finalbody);
            }
            StmtKind::Raise(e) => {
                let Some(e) = e else {
                    return Err(PyErr::new(ExcType::RuntimeError, "No active exception to reraise"));
                };
                return Err(match self.eval(e)? {
                    Value::Exception(t, msg) => PyErr::new(t, msg.to_string()),
                    Value::Type(crate::value::TypeObj::Exception(t)) => PyErr::new(t, ""),
                    _ => PyErr::type_err("exceptions must derive from BaseException"),
                });
            }
        }
        Ok(Flow::Normal)
    }

    fn exec_try(
        &mut self,
        body: &[Stmt],
        handlers: &[crate::syntax::ast::ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
    ) -> PyResult<Flow> {
        let result = match self.exec_block(body) {
            Ok(Flow::Normal) => self.exec_block(orelse),
            Ok(flow) => Ok(flow),
            Err(err) if err.exc == ExcType::InternalError => Err(err),
            Err(err) => self.handle_exception(err, handlers),
        };
        if finalbody.is_empty() {
            return result;
        }
        match self.exec_block(finalbody)? {
            Flow::Normal => result,
            other => Ok(other),
        }
    }

    /// Run the first `except` clause that matches `err`, or re-raise it.
    fn handle_exception(&mut self, err: PyErr, handlers: &[crate::syntax::ast::ExceptHandler]) -> PyResult<Flow> {
        for h in handlers {
            let matches = match &h.typ {
                None => true,
                Some(e) => {
                    let t = self.eval(e)?;
                    let classes = match &t {
                        Value::Tuple(items) => items.as_ref().clone(),
                        other => vec![other.clone()],
                    };
                    classes.iter().any(|c| match c {
                        Value::Type(crate::value::TypeObj::Exception(x)) => err.exc.is_subclass_of(*x),
                        _ => false,
                    })
                }
            };
            if matches {
                let Some(n) = &h.name else {
                    return self.exec_block(&h.body);
                };
                self.assign_name(n, Value::Exception(err.exc, err.message.as_str().into()));
                let flow = self.exec_block(&h.body);
                // As in Python, the name is unbound when the handler ends,
                // however it ends (and whatever it was bound to before).
                let _ = self.delete_name(n);
                return flow;
            }
        }
        Err(err)
    }

    /// Current value of an augmented-assignment target.
    fn read_target(&mut self, t: &Target) -> PyResult<Value> {
        match t {
            Target::Name(n, _) => self.lookup(n),
            Target::Subscript { value, items, tuple, .. } => {
                let obj = self.eval(value)?;
                let idx = self.eval_target_index(items, *tuple)?;
                pyops::get_item(&obj, &idx)
            }
            Target::Attribute { value, attr, .. } => {
                let obj = self.eval(value)?;
                crate::builtins::attrs::get_attr(&obj, attr)
            }
            _ => Err(PyErr::new(ExcType::SyntaxError, "illegal expression for augmented assignment")),
        }
    }

    /// Bind `v` to an assignment target.
    pub fn assign_target(&mut self, t: &Target, v: Value) -> PyResult<()> {
        match t {
            Target::Name(n, _) => {
                self.assign_name(n, v);
                Ok(())
            }
            Target::Tuple(targets, _) => self.unpack(targets, v),
            Target::Starred(..) => {
                Err(PyErr::new(ExcType::SyntaxError, "starred assignment target must be in a list or tuple"))
            }
            Target::Subscript { value, items, tuple, span } => {
                let obj = self.eval(value)?;
                let idx = self.eval_target_index(items, *tuple)?;
                pyops::set_item(&obj, &idx, &v).map_err(|e| e.at(*span))
            }
            Target::Attribute { value, attr, .. } if attr == "shape" => {
                // `a.shape = (3, 2)` reshapes in place; npr rebinds the name to the
                // reshaped view (other names keep the old shape).
                let obj = self.eval(value)?;
                let Value::Array(a) = &obj else {
                    return Err(PyErr::new(
                        ExcType::AttributeError,
                        format!("'{}' object attribute 'shape' is read-only", obj.type_name()),
                    ));
                };
                let dims: Vec<i64> = pyops::iterate(&v)
                    .unwrap_or_else(|_| vec![v.clone()])
                    .iter()
                    .map(|d| pyops::index_int(d).ok_or_else(|| PyErr::type_err("expected a sequence of integers")))
                    .collect::<PyResult<_>>()?;
                let reshaped = crate::builtins::numpy::reshape_array(a, &dims)?;
                match &value.kind {
                    crate::syntax::ast::ExprKind::Name(n) => {
                        self.assign_name(n, Value::Array(reshaped));
                        Ok(())
                    }
                    _ => Err(PyErr::new(ExcType::NotImplementedError, "npr can set .shape only on a variable")),
                }
            }
            Target::Attribute { value, attr, .. } => {
                let obj = self.eval(value)?;
                Err(PyErr::new(
                    ExcType::AttributeError,
                    format!("'{}' object attribute '{attr}' is read-only in npr", obj.type_name()),
                ))
            }
        }
    }

    fn unpack(&mut self, targets: &[Target], v: Value) -> PyResult<()> {
        let items = pyops::iterate(&v)
            .map_err(|_| PyErr::type_err(format!("cannot unpack non-iterable {} object", v.type_name())))?;
        let star = targets.iter().position(|t| matches!(t, Target::Starred(..)));
        match star {
            None => {
                if items.len() != targets.len() {
                    return Err(if items.len() > targets.len() {
                        PyErr::value(format!("too many values to unpack (expected {})", targets.len()))
                    } else {
                        PyErr::value(format!(
                            "not enough values to unpack (expected {}, got {})",
                            targets.len(),
                            items.len()
                        ))
                    });
                }
                for (t, item) in targets.iter().zip(items) {
                    self.assign_target(t, item)?;
                }
            }
            Some(si) => {
                let after = targets.len() - si - 1;
                if items.len() < targets.len() - 1 {
                    return Err(PyErr::value(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        targets.len() - 1,
                        items.len()
                    )));
                }
                let mut items = items;
                let tail = items.split_off(items.len() - after);
                let middle = items.split_off(si);
                for (t, item) in targets[..si].iter().zip(items) {
                    self.assign_target(t, item)?;
                }
                if let Target::Starred(inner, _) = &targets[si] {
                    self.assign_target(inner, Value::list(middle))?;
                }
                for (t, item) in targets[si + 1..].iter().zip(tail) {
                    self.assign_target(t, item)?;
                }
            }
        }
        Ok(())
    }

    fn delete_target(&mut self, t: &Target) -> PyResult<()> {
        match t {
            Target::Name(n, _) => self.delete_name(n),
            Target::Tuple(ts, _) => ts.iter().try_for_each(|t| self.delete_target(t)),
            Target::Subscript { value, items, tuple, .. } => {
                let obj = self.eval(value)?;
                let idx = self.eval_target_index(items, *tuple)?;
                pyops::del_item(&obj, &idx)
            }
            _ => Err(PyErr::new(ExcType::SyntaxError, "cannot delete this target")),
        }
    }
}

/// `import X`: the modules npr provides.
fn import_module(name: &str) -> PyResult<Value> {
    let m = match name {
        "numpy" => Module::Numpy,
        "numpy.random" => Module::Random,
        "numpy.linalg" => Module::Linalg,
        "math" => Module::Math,
        "matplotlib.pyplot" | "matplotlib" => Module::Pyplot,
        _ => {
            return Err(PyErr::new(ExcType::ModuleNotFoundError, format!("No module named '{name}'"))
                .with_hint("npr provides numpy (as np), numpy.random, numpy.linalg and math"))
        }
    };
    Ok(Value::Module(m))
}
