//! Expression evaluation. Each arm hands off to `pyops` (operators),
//! `call` (calls), `builtins::attrs` (attributes) or `ops::index` (indexing).

use std::rc::Rc;
use std::sync::Arc;

use super::error::{ExcType, Operand as ErrOperand, PyErr, PyResult};
use super::{pyops, Frame, Session};
use crate::builtins;
use crate::syntax::ast::{
    Arg, BoolOp, Comprehension, DictItem, Expr, ExprKind, FStringPart, Ident, IndexItem, Span, UnaryOp,
};
use crate::value::{Dict, Function, FunctionBody, Key, NdArray, SliceObj, Value};

/// Evaluation state for one cell (and the user functions it calls).
pub struct Interp<'s> {
    pub session: &'s mut Session,
    pub src: &'s str,
    /// Local scope of the running user function (None at top level).
    pub locals: Option<Frame>,
    /// Scopes of the functions enclosing the running one, innermost first.
    pub closure: Rc<[Frame]>,
    /// Names declared `global` in the running function.
    pub global_names: Vec<String>,
    /// Names declared `nonlocal` in the running function.
    pub nonlocal_names: Vec<String>,
    /// The running function's local variables (empty at top level).
    pub local_names: Arc<[String]>,
    /// Depth of user function calls (Python's recursion limit).
    pub call_depth: usize,
}

/// Python's error for a function's local variable read or deleted while unbound.
fn unbound_local(name: &str) -> PyErr {
    PyErr::new(
        ExcType::UnboundLocalError,
        format!("cannot access local variable '{name}' where it is not associated with a value"),
    )
}

/// The scope fields of an [`Interp`] set aside while a call or a
/// comprehension runs.
pub(super) struct SavedScope {
    locals: Option<Frame>,
    closure: Rc<[Frame]>,
    global_names: Vec<String>,
    nonlocal_names: Vec<String>,
    local_names: Arc<[String]>,
}

/// Evaluated defaults of positional and keyword-only parameters.
pub type Defaults = (Vec<Option<Value>>, Vec<Option<Value>>);

/// Evaluated call arguments.
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub positional: Vec<Value>,
    pub keywords: Vec<(Ident, Value)>,
    /// A call of a method NumPy implements in C (see
    /// [`crate::builtins::Keywords::CParser`]): `bind` words argument
    /// errors as its C argument parser does. The receiver is
    /// `positional[0]`.
    pub c_parser: bool,
}

impl Args {
    pub fn new(positional: Vec<Value>) -> Args {
        Args { positional, keywords: Vec::new(), c_parser: false }
    }

    /// The value given for keyword `name`, if any.
    pub fn keyword(&self, name: &str) -> Option<&Value> {
        self.keywords.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

thread_local! {
    /// The top level's (empty) enclosing scopes, shared: `Rc::new([])`
    /// would allocate for every cell.
    static NO_CLOSURE: Rc<[Frame]> = Rc::new([]);
}

impl<'s> Interp<'s> {
    pub fn new(session: &'s mut Session, src: &'s str) -> Interp<'s> {
        Interp {
            session,
            src,
            locals: None,
            closure: NO_CLOSURE.with(Rc::clone),
            global_names: Vec::new(),
            nonlocal_names: Vec::new(),
            local_names: Arc::default(),
            call_depth: 0,
        }
    }

    /// Look a name up: locals, enclosing scope, globals, then builtins.
    pub fn lookup(&self, name: &str) -> PyResult<Value> {
        if let Some(locals) = &self.locals {
            if !self.global_names.iter().any(|g| g == name) && !self.nonlocal_names.iter().any(|g| g == name) {
                if let Some(v) = locals.borrow().get(&Key(name)) {
                    return Ok(v.clone());
                }
                if self.local_names.binary_search_by(|n| n.as_str().cmp(name)).is_ok() {
                    let mut err = unbound_local(name);
                    if self.session.globals.contains_key(name) {
                        err = err.with_hint(format!(
                            "the function assigns to '{name}', which makes it local everywhere in the function; \
                             put `global {name}` at its top to use the global '{name}'"
                        ));
                    }
                    return Err(err);
                }
            }
        }
        for c in self.closure.iter() {
            if let Some(v) = c.borrow().get(&Key(name)) {
                return Ok(v.clone());
            }
        }
        if let Some(v) = self.session.globals.get(&Key(name)) {
            return Ok(v.clone());
        }
        if let Some(v) = self.session.history_name(name) {
            return Ok(v);
        }
        if let Some(v) = builtins::python_builtin(name) {
            return Ok(v);
        }
        let mut err = PyErr::new(ExcType::NameError, format!("name '{name}' is not defined"));
        if let Some(s) = self.suggest_name(name) {
            err = err.with_hint(format!("did you mean '{s}'?"));
        }
        Err(err)
    }

    fn suggest_name(&self, name: &str) -> Option<String> {
        let mut names: Vec<String> = self.session.globals.keys().cloned().collect();
        if let Some(l) = &self.locals {
            names.extend(l.borrow().keys().cloned());
        }
        names.sort(); // the first of equally close names wins
        names.extend(builtins::python_builtin_names().iter().map(|s| s.to_string()));
        crate::builtins::closest_name(name, names.iter().map(|s| s.as_str()))
    }

    /// The function scope that assigning to `name` binds it in: for a
    /// `nonlocal` name the nearest enclosing function's that has it, the
    /// running function's unless the name is `global`; `None` for the
    /// session's globals.
    fn binding_frame(&self, name: &str) -> Option<&Frame> {
        if self.nonlocal_names.iter().any(|n| n == name) {
            let has = |c: &&Frame| c.borrow().contains_key(name);
            if let Some(c) = self.closure.iter().find(has).or(self.closure.first()) {
                return Some(c);
            }
        }
        self.locals.as_ref().filter(|_| !self.global_names.iter().any(|g| g == name))
    }

    /// The scopes a function defined here reads its free variables from.
    pub fn capture(&self) -> Rc<[Frame]> {
        match &self.locals {
            Some(l) => std::iter::once(Rc::clone(l)).chain(self.closure.iter().cloned()).collect(),
            None => Rc::clone(&self.closure),
        }
    }

    /// The value of the name `e` at top level, borrowed: None for anything
    /// else, inside a function or comprehension, or for a name that is not a
    /// global (the caller then takes the `lookup` path and its errors).
    fn global_value(&self, e: &Expr) -> Option<&Value> {
        match &e.kind {
            ExprKind::Name(n) if self.locals.is_none() && self.closure.is_empty() => self.session.globals.get(&Key(n)),
            _ => None,
        }
    }

    /// Bind a name in the current scope.
    pub fn assign_name(&mut self, name: &str, v: Value) {
        match self.binding_frame(name) {
            // Rebinding (most assignments) reuses the key: no new String.
            Some(frame) => {
                let mut frame = frame.borrow_mut();
                match frame.get_mut(&Key(name)) {
                    Some(slot) => *slot = v,
                    None => {
                        frame.insert(name.to_string(), v);
                    }
                }
            }
            None => match self.session.globals.get_mut(&Key(name)) {
                Some(slot) => *slot = v,
                None => {
                    self.session.globals.insert(name.to_string(), v);
                }
            },
        }
    }

    /// Remove a name from the scope an assignment would bind it in (`del`),
    /// with Python's error when it is not bound there.
    pub fn delete_name(&mut self, name: &str) -> PyResult<()> {
        let frame = self.binding_frame(name).cloned();
        let free = frame.as_ref().is_some_and(|f| self.closure.iter().any(|c| Rc::ptr_eq(c, f)));
        let removed = match &frame {
            Some(f) => f.borrow_mut().remove(name).is_some(),
            None => self.session.globals.remove(name).is_some(),
        };
        if removed {
            return Ok(());
        }
        Err(match frame {
            None => PyErr::new(ExcType::NameError, format!("name '{name}' is not defined")),
            Some(_) if free => PyErr::new(
                ExcType::NameError,
                format!(
                    "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
                ),
            ),
            Some(_) => unbound_local(name),
        })
    }

    /// Evaluate an expression, growing the stack when nesting is deep.
    /// A Ctrl-C that stopped a kernel mid-way surfaces here, before its
    /// partial result (or an error caused by it) can be used.
    pub fn eval(&mut self, e: &Expr) -> PyResult<Value> {
        // A variable at top level (most operands and arguments) needs none
        // of that: taking `a` and `b` the long way cost about 200 of the
        // 3,500 instructions of `c = a + b` on (1, 8) arrays.
        if let Some(v) = self.global_value(e) {
            return Ok(v.clone());
        }
        self.eval_into(e, None)
    }

    /// Evaluate the value of `NAME = e` (`target` is NAME): a fused result
    /// may be written over the array NAME holds when nothing else refers to
    /// it (see [`Interp::rebound_array`]). Once it has been, a pending
    /// Ctrl-C is left for the caller to raise after binding the name: the
    /// old value is gone, so the assignment has in effect happened.
    pub fn eval_into(&mut self, e: &Expr, target: Option<&str>) -> PyResult<Value> {
        let v = crate::stack::grow(64 * 1024, 2 * 1024 * 1024, || self.eval_inner(e, target));
        if super::interrupt::pending() {
            let in_place = match (&v, target) {
                (Ok(Value::Array(a)), Some(n)) => self.rebound_array(n).is_some_and(|d| d.base_id() == a.base_id()),
                _ => false,
            };
            if !in_place {
                super::interrupt::check()?;
            }
        }
        v.map_err(|err| err.at(e.span))
    }

    /// The large array that assigning to `name` would replace (a clone: the
    /// caller holds its second handle).
    pub fn rebound_array(&self, name: &str) -> Option<NdArray> {
        let is_big =
            |v: &&Value| matches!(v, Value::Array(a) if a.is_base() && a.size() >= crate::ops::fused::FUSE_MIN);
        let v = match self.binding_frame(name) {
            Some(frame) => frame.borrow().get(&Key(name)).filter(is_big).cloned(),
            None => self.session.globals.get(&Key(name)).filter(is_big).cloned(),
        };
        match v {
            Some(Value::Array(a)) => Some(a),
            _ => None,
        }
    }

    fn eval_inner(&mut self, e: &Expr, target: Option<&str>) -> PyResult<Value> {
        if let Some(fused) = crate::ops::fused::try_eval(self, e, target) {
            return fused;
        }
        match &e.kind {
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Str(s) => Ok(Value::str(s)),
            ExprKind::FString(parts) => self.eval_fstring(parts),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::None => Ok(Value::None),
            ExprKind::Ellipsis => Ok(Value::Ellipsis),
            ExprKind::Name(n) => self.lookup(n),
            ExprKind::List(items) => Ok(Value::list(self.eval_items(items)?)),
            ExprKind::Tuple(items) => Ok(Value::tuple(self.eval_items(items)?)),
            ExprKind::Set(items) => pyops::set_from(self.eval_items(items)?),
            ExprKind::Dict(items) => {
                let mut d = Dict::default();
                for item in items {
                    match item {
                        DictItem::Pair(k, v) => {
                            let k = self.eval(k)?;
                            let v = self.eval(v)?;
                            pyops::dict_set(&mut d, k, v)?;
                        }
                        DictItem::Unpack(e) => match self.eval(e)? {
                            Value::Dict(m) => {
                                for (k, v) in m.borrow().entries.iter() {
                                    pyops::dict_set(&mut d, k.clone(), v.clone())?;
                                }
                            }
                            other => {
                                return Err(PyErr::type_err(format!("'{}' object is not a mapping", other.type_name()))
                                    .at(e.span))
                            }
                        },
                    }
                }
                Ok(Value::Dict(Rc::new(std::cell::RefCell::new(d))))
            }
            ExprKind::Attribute { value, attr, attr_span } => {
                let v = self.eval(value)?;
                builtins::attrs::get_attr(&v, attr).map_err(|err| err.at(*attr_span))
            }
            ExprKind::Call { func, args } => self.eval_call(func, args, e.span),
            ExprKind::Subscript { value, items, tuple } => {
                let v = self.eval(value)?;
                let idx = self.eval_index(items, *tuple)?;
                pyops::get_item(&v, &idx).map_err(|err| self.with_operands(err, &[(value, &v)]))
            }
            ExprKind::BinOp { op, op_span, left, right } => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                pyops::binary(*op, &l, &r)
                    .map_err(|err| self.with_operands(err.at(e.span), &[(left, &l), (right, &r)]).at(*op_span))
            }
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand)?;
                match op {
                    UnaryOp::Not => Ok(Value::Bool(!pyops::truthy(&v)?)),
                    _ => pyops::unary(*op, &v),
                }
            }
            ExprKind::Compare { left, ops } => self.eval_compare(left, ops),
            ExprKind::BoolOp { op, values } => self.eval_boolop(*op, values),
            ExprKind::IfExp { test, body, orelse } => {
                let t = self.eval(test)?;
                if pyops::truthy(&t)? {
                    self.eval(body)
                } else {
                    self.eval(orelse)
                }
            }
            ExprKind::Lambda { params, body } => {
                let (defaults, kw_defaults) = self.eval_defaults(params)?;
                Ok(Value::Function(Rc::new(Function {
                    name: "<lambda>".into(),
                    params: Arc::clone(params),
                    defaults,
                    kw_defaults,
                    body: FunctionBody::Lambda(Arc::clone(body)),
                    doc: None,
                    // Only its parameters, which a call always binds.
                    local_names: Arc::default(),
                    closure: self.capture(),
                })))
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators }
            | ExprKind::SetComp { elt, generators } => {
                let mut out = Vec::new();
                self.comprehension(generators, 0, &mut |me| {
                    out.push(me.eval(elt)?);
                    Ok(())
                })?;
                match e.kind {
                    ExprKind::SetComp { .. } => pyops::set_from(out),
                    _ => Ok(Value::list(out)),
                }
            }
            ExprKind::DictComp { key, value, generators } => {
                let mut d = Dict::default();
                self.comprehension(generators, 0, &mut |me| {
                    let k = me.eval(key)?;
                    let v = me.eval(value)?;
                    pyops::dict_set(&mut d, k, v)
                })?;
                Ok(Value::Dict(Rc::new(std::cell::RefCell::new(d))))
            }
            ExprKind::Starred(_) => Err(PyErr::new(ExcType::SyntaxError, "can't use starred expression here")),
        }
    }

    /// Attach operand shapes to a shape error, for the teaching display.
    pub fn with_operands(&self, mut err: PyErr, operands: &[(&Expr, &Value)]) -> PyErr {
        if err.operands.is_empty() && is_shape_error(&err) {
            err.operands = operands.iter().map(|(e, v)| ErrOperand { span: e.span, shape: value_shape(v) }).collect();
        }
        err
    }

    fn eval_items(&mut self, items: &[Expr]) -> PyResult<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let ExprKind::Starred(inner) = &item.kind {
                let v = self.eval(inner)?;
                out.extend(pyops::iterate(&v)?);
            } else {
                out.push(self.eval(item)?);
            }
        }
        Ok(out)
    }

    fn eval_fstring(&mut self, parts: &[FStringPart]) -> PyResult<Value> {
        let mut s = String::new();
        for part in parts {
            match part {
                FStringPart::Literal(t) => s.push_str(t),
                FStringPart::Expr { expr, conversion, spec, debug_text } => {
                    let v = self.eval(expr)?;
                    if let Some(d) = debug_text {
                        s.push_str(d);
                    }
                    let conv = conversion.or(if debug_text.is_some() && spec.is_empty() { Some('r') } else { None });
                    // A conversion makes a string, which the spec then formats.
                    let v = match conv {
                        Some(c) => Value::str(builtins::python::convert_field(self, &v, &c.to_string())?),
                        None => v,
                    };
                    let text = builtins::python::format_value(self, &v, spec)?;
                    s.push_str(&text);
                }
            }
        }
        Ok(Value::str(s))
    }

    fn eval_compare(&mut self, left: &Expr, ops: &[(crate::syntax::ast::CmpOp, Span, Expr)]) -> PyResult<Value> {
        let mut l = self.eval(left)?;
        let mut l_expr = left;
        let mut result = Value::Bool(true);
        for (i, (op, op_span, right)) in ops.iter().enumerate() {
            let r = self.eval(right)?;
            let v = pyops::compare(*op, &l, &r)
                .map_err(|err| self.with_operands(err, &[(l_expr, &l), (right, &r)]).at(*op_span))?;
            if ops.len() == 1 {
                return Ok(v);
            }
            if !pyops::truthy(&v)? {
                return Ok(v);
            }
            result = v;
            if i + 1 < ops.len() {
                l = r;
                l_expr = right;
            }
        }
        Ok(result)
    }

    fn eval_boolop(&mut self, op: BoolOp, values: &[Expr]) -> PyResult<Value> {
        let mut last = Value::None;
        for (i, e) in values.iter().enumerate() {
            last = self.eval(e)?;
            if i + 1 == values.len() {
                break;
            }
            let t = pyops::truthy(&last)?;
            match op {
                BoolOp::And if !t => return Ok(last),
                BoolOp::Or if t => return Ok(last),
                _ => {}
            }
        }
        Ok(last)
    }

    /// Evaluate `[...]` items into one index value (a tuple when several).
    fn eval_index(&mut self, items: &[IndexItem], tuple: bool) -> PyResult<Value> {
        let mut vals = Vec::with_capacity(items.len());
        for item in items {
            vals.push(match item {
                IndexItem::Expr(e) => self.eval(e)?,
                IndexItem::Slice { lower, upper, step, .. } => {
                    let mut part = |p: &Option<Expr>| -> PyResult<Option<i64>> {
                        match p {
                            None => Ok(None),
                            Some(e) => {
                                let v = self.eval(e)?;
                                pyops::slice_bound(&v).map_err(|err| err.at(e.span))
                            }
                        }
                    };
                    let start = part(lower)?;
                    let stop = part(upper)?;
                    let step = part(step)?;
                    Value::Slice(Rc::new(SliceObj { start, stop, step }))
                }
            });
        }
        Ok(if tuple || vals.len() != 1 { Value::tuple(vals) } else { vals.pop().unwrap_or(Value::None) })
    }

    pub fn eval_target_index(&mut self, items: &[IndexItem], tuple: bool) -> PyResult<Value> {
        self.eval_index(items, tuple)
    }

    fn eval_call(&mut self, func: &Expr, args: &[Arg], span: Span) -> PyResult<Value> {
        let f = self.eval(func)?;
        // A method's receiver joins its arguments (`call_value`): room for it too.
        let n = args.len() + usize::from(matches!(f, Value::Method(..)));
        let mut a = Args { positional: Vec::with_capacity(n), keywords: Vec::new(), c_parser: false };
        for arg in args {
            match arg {
                Arg::Positional(e) => a.positional.push(self.eval(e)?),
                Arg::Keyword { name, value, .. } => {
                    let v = self.eval(value)?;
                    a.keywords.push((name.clone(), v));
                }
                Arg::Star(e) => {
                    let v = self.eval(e)?;
                    a.positional.extend(pyops::iterate(&v)?);
                }
                Arg::DoubleStar(e) => {
                    let v = self.eval(e)?;
                    let Value::Dict(d) = &v else {
                        return Err(PyErr::type_err(format!(
                            "argument after ** must be a mapping, not {}",
                            v.type_name()
                        )));
                    };
                    for (k, val) in &d.borrow().entries {
                        let Value::Str(k) = k else {
                            return Err(PyErr::type_err("keywords must be strings"));
                        };
                        a.keywords.push((Ident::new(k), val.clone()));
                    }
                }
            }
        }
        // Kept for error messages that name the operands' shapes (inline:
        // a heap copy for every call cost more than the rest of `np.sum(a)`'s
        // argument handling).
        let positional: smallvec::SmallVec<[Value; 4]> = a.positional.iter().cloned().collect();
        self.call_value(&f, a).map_err(|err| {
            let arg_exprs = args.iter().filter_map(|a| match a {
                Arg::Positional(e) => Some(e),
                _ => None,
            });
            let pairs: Vec<(&Expr, &Value)> = arg_exprs.zip(positional.iter()).collect();
            self.with_operands(err, &pairs).at(span)
        })
    }

    /// Evaluate default values of parameters at definition time.
    pub fn eval_defaults(&mut self, params: &crate::syntax::ast::Params) -> PyResult<Defaults> {
        let mut defaults = Vec::new();
        for (_, d) in &params.positional {
            defaults.push(match d {
                Some(e) => Some(self.eval(e)?),
                None => None,
            });
        }
        let mut kw = Vec::new();
        for (_, d) in &params.keyword_only {
            kw.push(match d {
                Some(e) => Some(self.eval(e)?),
                None => None,
            });
        }
        Ok((defaults, kw))
    }

    /// Run nested comprehension loops, calling `body` for each innermost item.
    /// As in Python 3, a comprehension is a scope of its own: its loop
    /// variables live in a fresh frame (they neither leak nor overwrite the
    /// names they shadow, and a `lambda` made inside captures them), and
    /// every name it does not bind is read from the scopes around it. Only
    /// the first iterable is evaluated outside, in the enclosing scope.
    fn comprehension(
        &mut self,
        gens: &[Comprehension],
        level: usize,
        body: &mut dyn FnMut(&mut Self) -> PyResult<()>,
    ) -> PyResult<()> {
        let Some(g) = gens.get(level) else {
            return body(self);
        };
        let iterable = self.eval(&g.iter)?;
        let outer = (level == 0).then(|| self.enter_comprehension_scope());
        let result = (|| {
            for item in pyops::iterate(&iterable)? {
                super::interrupt::check()?;
                self.assign_target(&g.target, item)?;
                let mut keep = true;
                for cond in &g.ifs {
                    let c = self.eval(cond)?;
                    if !pyops::truthy(&c)? {
                        keep = false;
                        break;
                    }
                }
                if keep {
                    self.comprehension(gens, level + 1, body)?;
                }
            }
            Ok(())
        })();
        if let Some(outer) = outer {
            self.leave_scope(outer);
        }
        result
    }

    /// A comprehension's scope: a fresh frame, with the running scope (if a
    /// function's) first among the enclosing ones.
    fn enter_comprehension_scope(&mut self) -> SavedScope {
        let closure = self.capture();
        self.enter_scope(Interp::new_frame(), closure, Arc::default())
    }

    /// Run in a new function scope (a call or a comprehension): `frame`
    /// holds its variables, `closure` the enclosing scopes, `local_names`
    /// its local variables. Returns what [`Interp::leave_scope`] restores.
    pub(super) fn enter_scope(&mut self, frame: Frame, closure: Rc<[Frame]>, local_names: Arc<[String]>) -> SavedScope {
        SavedScope {
            locals: self.locals.replace(frame),
            closure: std::mem::replace(&mut self.closure, closure),
            global_names: std::mem::take(&mut self.global_names),
            nonlocal_names: std::mem::take(&mut self.nonlocal_names),
            local_names: std::mem::replace(&mut self.local_names, local_names),
        }
    }

    pub(super) fn leave_scope(&mut self, s: SavedScope) {
        self.locals = s.locals;
        self.closure = s.closure;
        self.global_names = s.global_names;
        self.nonlocal_names = s.nonlocal_names;
        self.local_names = s.local_names;
    }

    /// A fresh local frame for a user function call.
    pub fn new_frame() -> Frame {
        Rc::new(std::cell::RefCell::new(crate::value::Names::default()))
    }
}

fn is_shape_error(err: &PyErr) -> bool {
    matches!(err.exc, ExcType::ValueError | ExcType::AxisError | ExcType::IndexError)
}

/// The shape of an array-like value (None for non-arrays).
pub fn value_shape(v: &Value) -> Option<Vec<usize>> {
    match v {
        Value::Array(a) => Some(a.shape()),
        Value::Scalar(_) => Some(Vec::new()),
        _ => None,
    }
}
