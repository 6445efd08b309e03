//! Fused, blocked evaluation of elementwise expressions.
//!
//! `np.sum(Y*np.log(A) + (1-Y)*np.log(1-A))` evaluated the ordinary way
//! makes seven full-size temporaries. Here the expression tree is compiled
//! to a short register program and run over cache-sized segments of the
//! output, so the only full-size array is the result (none for a sum).
//!
//! Results are exactly the unfused ones:
//! * every operation is the same kernel the ufuncs use (`kernels`,
//!   `transcendental`), elementwise and pure, so block boundaries cannot
//!   change a value;
//! * a final `np.sum` walks NumPy's fixed pairwise tree (`reduce::
//!   pairwise_sum`): ranges of at most [`SEG`] elements are evaluated into a
//!   buffer and summed as the subtrees they are, larger ranges are split
//!   where the recursion splits them, so the bits are identical;
//! * the floating-point flags of each operation are collected over all
//!   segments and reported afterwards, operation by operation in the order
//!   the interpreter would have run them (warnings are de-duplicated within
//!   a cell, so this is the same sequence of warnings);
//! * only trees whose every operation is whitelisted (`+ - * /`, unary `-`,
//!   `np.add/subtract/multiply/divide/negative/exp/log/sqrt`, and
//!   `NAME.max/min(...)` evaluated first as a leaf) are fused; leaves must be
//!   names or literals (no side effects), arrays must be float64 and
//!   C-contiguous, every operation's result must have the full broadcast
//!   shape, the result must have at least [`FUSE_MIN`] elements, and every
//!   temporary the unfused path would allocate must pass the memory cap.
//!   Anything else returns `None` and the interpreter evaluates as usual —
//!   which also produces every error with its usual text.

use ndarray::ArrayViewD;

use super::kernels::{self, Arith, RowReduce, Src};
use super::parallel;
use crate::interp::error::PyResult;
use crate::interp::eval::Interp;
use crate::syntax::ast::{Arg, BinOp, Expr, ExprKind, UnaryOp};
use crate::value::{AView, ArrayData, DType, Module, NdArray, Scalar, Value};

/// Smallest result worth fusing.
pub const FUSE_MIN: usize = 1 << 16;

/// Elements per segment (all buffers of a program stay in L1/L2).
pub const SEG: usize = 2048;

/// Largest number of AST nodes looked at (bigger trees are not fused).
const MAX_NODES: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Un {
    Neg,
    Exp,
    Log,
    Sqrt,
}

impl Un {
    fn name(self) -> &'static str {
        match self {
            Un::Neg => "negative",
            Un::Exp => "exp",
            Un::Log => "log",
            Un::Sqrt => "sqrt",
        }
    }
}

fn arith_name(a: Arith) -> &'static str {
    match a {
        Arith::Add => "add",
        Arith::Sub => "subtract",
        Arith::Mul => "multiply",
        Arith::Div => "divide",
    }
}

#[derive(Debug, Clone, Copy)]
enum Opnd {
    Leaf(usize),
    Const(f64),
    Tmp(usize),
}

#[derive(Debug, Clone, Copy)]
enum Instr {
    Un(Un, Opnd),
    Bin(Arith, Opnd, Opnd),
}

/// A compiled expression: instructions in evaluation order; the last one
/// is the result.
struct Program {
    instrs: Vec<Instr>,
    leaves: Vec<NdArray>,
    leaf_shapes: Vec<Vec<usize>>,
    /// `Some` for a row leaf: the leaf array is the reduced source.
    leaf_rows: Vec<Option<RowLeaf>>,
}

/// `SRC.max/min/sum(axis=-1, keepdims=True)` of a C-contiguous float64
/// array whose shape is the result's: computed row by row inside the fused
/// loop while the row is in cache, instead of in a pass of its own. Each row
/// uses the kernel `kernels::reduce_rows` uses, so the values are the same.
#[derive(Debug, Clone, Copy)]
struct RowLeaf {
    kind: RowReduce,
    /// Instructions before it in evaluation order (where its warnings go).
    at: usize,
}

/// What the root does with the elementwise result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Array,
    Sum,
}

/// Try to evaluate `e` fused. `None`: not applicable, evaluate normally.
///
/// `target` names the variable the value is assigned to (`e` in
/// `e = np.exp(z - ...)`). If it holds an array that nothing else refers to
/// (see [`reusable`]), the result is written over that array instead of
/// into fresh memory: a repeated statement then reuses its pages instead of
/// faulting in new ones (this machine zeroes fresh pages at 1-10 GB/s), and
/// peak memory drops by one result. That also makes a single operation
/// (`c = a + b`) worth running here.
pub fn try_eval(interp: &mut Interp, e: &Expr, target: Option<&str>) -> Option<PyResult<Value>> {
    if !matches!(e.kind, ExprKind::BinOp { .. } | ExprKind::Call { .. } | ExprKind::Unary { .. }) || !enabled() {
        return None;
    }
    // Cheap syntactic screening first: no lookups for small statements.
    let (mode, body) = match sum_root(e) {
        Some(inner) => (Mode::Sum, inner),
        None => (Mode::Array, e),
    };
    let mut budget = MAX_NODES;
    let mut reductions = 0;
    let ops = count_ops(body, &mut budget, &mut reductions)?;
    // One operation alone has its own fast path, unless a row reduction can
    // be folded into it (softmax's `e / e.sum(axis=1, keepdims=True)`) or
    // its result can be written over the target's array.
    let min_ops = if mode == Mode::Sum || reductions > 0 { 1 } else { 2 };
    let mut dest = None;
    if ops < min_ops {
        if ops == 0 || mode != Mode::Array {
            return None;
        }
        dest = Some(interp.rebound_array(target?)?);
    }
    if mode == Mode::Sum && !is_numpy(interp, e) {
        return None;
    }
    // Small operands (nearly every statement of a lesson) cannot make a
    // result of FUSE_MIN elements: give up before building a program.
    if leaf_size_bound(interp, body).is_some_and(|n| n < FUSE_MIN) {
        return None;
    }
    let mut prog = Program { instrs: Vec::new(), leaves: Vec::new(), leaf_shapes: Vec::new(), leaf_rows: Vec::new() };
    let root = build(interp, body, &mut prog)?;
    if !matches!(root, Opnd::Tmp(_)) {
        return None;
    }
    let shape = check_shapes(&prog)?;
    // A row leaf's rows must be the result's rows.
    for (a, r) in prog.leaves.iter().zip(&prog.leaf_rows) {
        if r.is_some() && a.shape() != shape {
            return None;
        }
    }
    let n: usize = shape.iter().product();
    if n < FUSE_MIN {
        return None;
    }
    // The unfused path allocates each temporary: the same memory cap applies.
    crate::value::alloc::check_alloc(&shape, DType::Float64).ok()?;
    if dest.is_none() && mode == Mode::Array {
        dest = target.and_then(|name| interp.rebound_array(name));
    }
    let dest = dest.filter(|d| reusable(d, &shape, n * prog.instrs.len()));
    if ops < min_ops && dest.is_none() {
        return None;
    }
    let result = run(&prog, &shape, mode, dest)?;
    Some(Ok(result))
}

/// Largest `elements * instructions` written over a live array: Ctrl-C
/// cannot stop that loop half way (it would leave the old value half
/// overwritten), so it is kept to a fraction of a second.
const MAX_INPLACE_WORK: usize = 1 << 28;

/// Can the result be written over `d`? It must be a whole float64 C-order
/// array of the result's shape that nothing but the name's slot and `d`
/// itself refer to: not another name, not a view, not a leaf of this
/// expression (`e = np.exp(e)` reads it), not an `Out[n]` entry.
fn reusable(d: &NdArray, shape: &[usize], work: usize) -> bool {
    work <= MAX_INPLACE_WORK
        && d.is_unshared(2)
        && d.dtype() == DType::Float64
        && d.shape() == shape
        && d.is_c_contiguous()
}

/// `NPR_FUSE=0` turns fusion off (for comparisons and benchmarks).
fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("NPR_FUSE").map_or(true, |v| v != "0"))
}

/// `np.sum(X)` or `X.sum()` with no other arguments: the summed expression.
fn sum_root(e: &Expr) -> Option<&Expr> {
    let ExprKind::Call { func, args } = &e.kind else { return None };
    let ExprKind::Attribute { value, attr, .. } = &func.kind else { return None };
    if attr != "sum" {
        return None;
    }
    match (&value.kind, args.as_slice()) {
        (ExprKind::Name(m), [Arg::Positional(x)]) if m == "np" => Some(x),
        (_, []) if !matches!(value.kind, ExprKind::Name(_)) => Some(value),
        _ => None,
    }
}

/// `np` in `np.sum(...)` is NumPy (or the root is a method call).
fn is_numpy(interp: &Interp, e: &Expr) -> bool {
    let ExprKind::Call { func, .. } = &e.kind else { return false };
    let ExprKind::Attribute { value, .. } = &func.kind else { return false };
    match &value.kind {
        ExprKind::Name(m) if m == "np" => matches!(interp.lookup("np"), Ok(Value::Module(Module::Numpy))),
        _ => true,
    }
}

fn np_unary(attr: &str) -> Option<Un> {
    Some(match attr {
        "exp" => Un::Exp,
        "log" => Un::Log,
        "sqrt" => Un::Sqrt,
        "negative" => Un::Neg,
        _ => return None,
    })
}

fn np_binary(attr: &str) -> Option<Arith> {
    Some(match attr {
        "add" => Arith::Add,
        "subtract" => Arith::Sub,
        "multiply" => Arith::Mul,
        "divide" => Arith::Div,
        _ => return None,
    })
}

fn bin_arith(op: BinOp) -> Option<Arith> {
    Some(match op {
        BinOp::Add => Arith::Add,
        BinOp::Sub => Arith::Sub,
        BinOp::Mul => Arith::Mul,
        BinOp::Div => Arith::Div,
        _ => return None,
    })
}

/// The arguments of a call with positional arguments only (inline: this
/// runs for every `np.` call a statement makes, fusable or not).
fn positional(args: &[Arg]) -> Option<smallvec::SmallVec<[&Expr; 4]>> {
    args.iter()
        .map(|a| match a {
            Arg::Positional(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// Number of fusable operations in the tree, or `None` if some node cannot
/// be fused (or the tree is too big).
fn count_ops(e: &Expr, budget: &mut usize, reductions: &mut usize) -> Option<usize> {
    *budget = budget.checked_sub(1)?;
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Name(_) => Some(0),
        ExprKind::Unary { op: UnaryOp::Neg, operand } => Some(count_ops(operand, budget, reductions)? + 1),
        ExprKind::BinOp { op, left, right, .. } => {
            bin_arith(*op)?;
            Some(count_ops(left, budget, reductions)? + count_ops(right, budget, reductions)? + 1)
        }
        ExprKind::Call { func, args } => {
            let ExprKind::Attribute { value, attr, .. } = &func.kind else { return None };
            if reduction_leaf(e).is_some() {
                *reductions += 1;
                return Some(0);
            }
            if !matches!(&value.kind, ExprKind::Name(m) if m == "np") {
                return None;
            }
            let pos = positional(args)?;
            match pos.len() {
                1 if np_unary(attr).is_some() => Some(count_ops(pos[0], budget, reductions)? + 1),
                2 if np_binary(attr).is_some() => {
                    Some(count_ops(pos[0], budget, reductions)? + count_ops(pos[1], budget, reductions)? + 1)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// `NAME.max(...)` / `NAME.min(...)` / `NAME.sum(...)` with literal
/// keyword arguments `axis` and `keepdims`: pure and small. A row reduction
/// (see [`RowLeaf`]) is folded into the loop; any other is evaluated by the
/// interpreter first and used as a leaf.
fn reduction_leaf(e: &Expr) -> Option<ReductionLeaf<'_>> {
    let ExprKind::Call { func, args } = &e.kind else { return None };
    let ExprKind::Attribute { value, attr, .. } = &func.kind else { return None };
    let ExprKind::Name(receiver) = &value.kind else { return None };
    let kind = match attr.as_str() {
        "max" => RowReduce::Max,
        "min" => RowReduce::Min,
        "sum" => RowReduce::Sum,
        _ => return None,
    };
    for a in args {
        let Arg::Keyword { name, value, .. } = a else { return None };
        if !matches!(name.as_str(), "axis" | "keepdims") {
            return None;
        }
        let literal = match &value.kind {
            ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::None => true,
            ExprKind::Unary { op: UnaryOp::Neg, operand } => matches!(operand.kind, ExprKind::Int(_)),
            _ => false,
        };
        if !literal {
            return None;
        }
    }
    Some(ReductionLeaf { receiver, kind, args })
}

/// The parts of a [`reduction_leaf`] call `RECEIVER.KIND(ARGS)`.
struct ReductionLeaf<'e> {
    receiver: &'e str,
    kind: RowReduce,
    args: &'e [Arg],
}

fn scalar_value(v: &Value) -> Option<f64> {
    Some(match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => *b as u8 as f64,
        Value::Scalar(Scalar::Float(f)) => *f,
        Value::Scalar(Scalar::Int(i)) => *i as f64,
        Value::Scalar(Scalar::Bool(b)) => *b as u8 as f64,
        _ => return None,
    })
}

fn leaf_array(prog: &mut Program, a: NdArray) -> Option<Opnd> {
    if a.dtype() != DType::Float64 || !a.is_c_contiguous() {
        return None;
    }
    prog.leaf_shapes.push(a.shape());
    prog.leaves.push(a);
    prog.leaf_rows.push(None);
    Some(Opnd::Leaf(prog.leaves.len() - 1))
}

/// A row leaf for `NAME.max/min/sum(axis=-1 or ndim-1, keepdims=True)`
/// (exactly these keywords) when NAME is a C-contiguous float64 array of at
/// least two dimensions with rows of at least 256 elements; `None` when the
/// call is anything else (it is then evaluated as an ordinary leaf).
fn row_leaf(a: &NdArray, r: &ReductionLeaf, prog: &mut Program) -> Option<Opnd> {
    let shape = a.shape();
    let nd = shape.len();
    if nd < 2 || *shape.last()? < 256 || a.dtype() != DType::Float64 || !a.is_c_contiguous() {
        return None;
    }
    let (mut axis_ok, mut keep) = (false, false);
    for arg in r.args {
        let Arg::Keyword { name, value, .. } = arg else { return None };
        match (name.as_str(), &value.kind) {
            ("axis", ExprKind::Int(i)) => axis_ok = *i == nd as i128 - 1,
            ("axis", ExprKind::Unary { op: UnaryOp::Neg, operand }) => {
                axis_ok = matches!(operand.kind, ExprKind::Int(1));
            }
            ("keepdims", ExprKind::Bool(b)) => keep = *b,
            _ => return None,
        }
    }
    if !axis_ok || !keep {
        return None;
    }
    let mut leaf_shape = shape;
    *leaf_shape.last_mut()? = 1;
    prog.leaf_shapes.push(leaf_shape);
    prog.leaves.push(a.clone());
    prog.leaf_rows.push(Some(RowLeaf { kind: r.kind, at: prog.instrs.len() }));
    Some(Opnd::Leaf(prog.leaves.len() - 1))
}

fn build(interp: &mut Interp, e: &Expr, prog: &mut Program) -> Option<Opnd> {
    match &e.kind {
        ExprKind::Int(i) => Some(Opnd::Const(*i as f64)),
        ExprKind::Float(f) => Some(Opnd::Const(*f)),
        ExprKind::Bool(b) => Some(Opnd::Const(*b as u8 as f64)),
        ExprKind::Name(n) => match interp.lookup(n).ok()? {
            Value::Array(a) => leaf_array(prog, a),
            v => scalar_value(&v).map(Opnd::Const),
        },
        ExprKind::Unary { op: UnaryOp::Neg, operand } => {
            // Negating a literal or scalar is Python/NumPy scalar math: exact.
            match &operand.kind {
                ExprKind::Int(i) => return Some(Opnd::Const(i.checked_neg()? as f64)),
                ExprKind::Float(f) => return Some(Opnd::Const(-f)),
                _ => {}
            }
            let x = build(interp, operand, prog)?;
            if matches!(x, Opnd::Const(_)) {
                return None;
            }
            push(prog, Instr::Un(Un::Neg, x))
        }
        ExprKind::BinOp { op, left, right, .. } => {
            let op = bin_arith(*op)?;
            let a = build(interp, left, prog)?;
            let b = build(interp, right, prog)?;
            binary(prog, op, a, b)
        }
        ExprKind::Call { func, args } => {
            if let Some(r) = reduction_leaf(e) {
                let Ok(Value::Array(a)) = interp.lookup(r.receiver) else { return None };
                if let Some(leaf) = row_leaf(&a, &r, prog) {
                    return Some(leaf);
                }
                // A sum may warn; evaluated now, its warnings would come
                // before those of operations the interpreter runs first.
                if r.kind == RowReduce::Sum && !prog.instrs.is_empty() {
                    return None;
                }
                // Evaluated here, a reduction is evaluated again if fusion
                // then fails (too small a result, say): only worth it for a
                // large operand.
                if a.size() < FUSE_MIN {
                    return None;
                }
                // (`x.max()` gives a NumPy scalar: a constant like any other.)
                return match interp.eval(e).ok()? {
                    Value::Array(a) => leaf_array(prog, a),
                    v => scalar_value(&v).map(Opnd::Const),
                };
            }
            let ExprKind::Attribute { attr, .. } = &func.kind else { return None };
            if !matches!(interp.lookup("np"), Ok(Value::Module(Module::Numpy))) {
                return None;
            }
            let pos = positional(args)?;
            if let (Some(u), [x]) = (np_unary(attr), pos.as_slice()) {
                let x = build(interp, x, prog)?;
                if matches!(x, Opnd::Const(_)) {
                    return None;
                }
                return push(prog, Instr::Un(u, x));
            }
            if let (Some(op), [x, y]) = (np_binary(attr), pos.as_slice()) {
                let a = build(interp, x, prog)?;
                let b = build(interp, y, prog)?;
                return binary(prog, op, a, b);
            }
            None
        }
        _ => None,
    }
}

/// An upper bound on the size of the result of `e`: the product of the
/// sizes of its array leaves (a broadcast result is never larger). `None`
/// when a leaf's size is not known without evaluating it (a reduction).
fn leaf_size_bound(interp: &Interp, e: &Expr) -> Option<usize> {
    match &e.kind {
        ExprKind::Name(n) => match interp.lookup(n).ok()? {
            Value::Array(a) => Some(a.size()),
            _ => Some(1),
        },
        ExprKind::Unary { operand, .. } => leaf_size_bound(interp, operand),
        ExprKind::BinOp { left, right, .. } => {
            Some(leaf_size_bound(interp, left)?.saturating_mul(leaf_size_bound(interp, right)?))
        }
        ExprKind::Call { args, .. } if reduction_leaf(e).is_none() => {
            let mut bound = 1usize;
            for a in args {
                let Arg::Positional(x) = a else { return None };
                bound = bound.saturating_mul(leaf_size_bound(interp, x)?);
            }
            Some(bound)
        }
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) => Some(1),
        _ => None,
    }
}

fn binary(prog: &mut Program, op: Arith, a: Opnd, b: Opnd) -> Option<Opnd> {
    if matches!((a, b), (Opnd::Const(_), Opnd::Const(_))) {
        // Python scalar arithmetic (ints stay exact ints): not ours.
        return None;
    }
    push(prog, Instr::Bin(op, a, b))
}

fn push(prog: &mut Program, i: Instr) -> Option<Opnd> {
    prog.instrs.push(i);
    Some(Opnd::Tmp(prog.instrs.len() - 1))
}

/// The result shape, if every operation broadcasts and has that full shape.
fn check_shapes(prog: &Program) -> Option<Vec<usize>> {
    let mut shapes: Vec<Vec<usize>> = Vec::with_capacity(prog.instrs.len());
    let shape_of = |o: Opnd, shapes: &Vec<Vec<usize>>| -> Vec<usize> {
        match o {
            Opnd::Leaf(i) => prog.leaf_shapes[i].clone(),
            Opnd::Const(_) => Vec::new(),
            Opnd::Tmp(j) => shapes[j].clone(),
        }
    };
    for ins in &prog.instrs {
        let s = match *ins {
            Instr::Un(_, x) => shape_of(x, &shapes),
            Instr::Bin(_, a, b) => {
                let (sa, sb) = (shape_of(a, &shapes), shape_of(b, &shapes));
                super::broadcast::broadcast_shapes(&[&sa, &sb])?
            }
        };
        shapes.push(s);
    }
    let root = shapes.last()?.clone();
    if shapes.iter().any(|s| *s != root) {
        return None;
    }
    Some(root)
}

/// How to read one leaf for a row of the output: its C-order data and its
/// broadcast strides (elements) along each output axis.
struct LeafSrc<'a> {
    data: &'a [f64],
    strides: Vec<usize>,
    /// A row leaf: `data` is the reduced source, one row per output row.
    row: Option<RowReduce>,
}

impl LeafSrc<'_> {
    fn new<'a>(v: &ArrayViewD<'a, f64>, out_shape: &[usize], row: Option<RowReduce>) -> Option<LeafSrc<'a>> {
        let data = v.to_slice()?;
        if row.is_some() {
            return Some(LeafSrc { data, strides: Vec::new(), row });
        }
        let nd = out_shape.len();
        let off = nd - v.ndim();
        let mut strides = vec![0usize; nd];
        let mut s = 1usize;
        for d in (0..v.ndim()).rev() {
            if v.shape()[d] != 1 {
                strides[d + off] = s;
            }
            s *= v.shape()[d];
        }
        Some(LeafSrc { data, strides, row: None })
    }
}

/// The last row reduced by each row leaf of one thread, with its value, and
/// whether any value was nan (bit 0) or infinite (bit 1), for the warnings.
struct RowCache {
    row: Vec<usize>,
    value: Vec<f64>,
    flags: Vec<u8>,
}

impl RowCache {
    fn new(leaves: usize) -> RowCache {
        RowCache { row: vec![usize::MAX; leaves], value: vec![0.0; leaves], flags: vec![0; leaves] }
    }
}

/// Leaves ready for segment evaluation.
struct Ready<'a> {
    leaves: Vec<LeafSrc<'a>>,
    shape: Vec<usize>,
    /// Segments may span rows (every leaf is full-shape or a single value).
    flat: bool,
}

impl<'a> Ready<'a> {
    /// The leaf data of the segment starting at `pos` (up to SEG elements,
    /// within its row) into `ahead`, to prefetch, using `tmp` as scratch;
    /// for a row leaf, the row it will reduce. A range that starts where an
    /// earlier one of at least its length starts is left out: `Y` and `A`
    /// are two leaves each in the cross-entropy, and softmax's `z` is a row
    /// leaf too, and asking for lines already on their way costs as much as
    /// the first time.
    fn plan_prefetch(&self, pos: usize, tmp: &mut Vec<Src<'a>>, ahead: &mut Vec<&'a [f64]>) {
        ahead.clear();
        let n: usize = self.shape.iter().product();
        if pos >= n {
            return;
        }
        let last = *self.shape.last().unwrap_or(&1);
        let len = if self.flat { SEG.min(n - pos) } else { SEG.min(last - pos % last) };
        self.sources(pos, len, tmp, None);
        let rows = self.leaves.iter().filter(|l| l.row.is_some() && pos.is_multiple_of(last));
        let slices = tmp.iter().filter_map(|s| match s {
            Src::Slice(d) => Some(*d),
            Src::Scalar(_) => None,
        });
        for d in rows.map(|l| &l.data[pos..pos + last]).chain(slices) {
            if ahead.iter().any(|r| r.as_ptr() == d.as_ptr() && r.len() >= d.len()) {
                continue;
            }
            ahead.push(d);
        }
    }

    /// Leaf sources for the output elements `[start, start + len)`, which
    /// lie in one row unless `flat`. Row leaves are reduced (once per row,
    /// through `rows`); without `rows` they read as 0 (for prefetching).
    fn sources(&self, start: usize, len: usize, out: &mut Vec<Src<'a>>, mut rows: Option<&mut RowCache>) {
        out.clear();
        let last = *self.shape.last().unwrap_or(&1);
        let (row, col) = (start.checked_div(last).unwrap_or(0), start.checked_rem(last).unwrap_or(0));
        for (i, l) in self.leaves.iter().enumerate() {
            if let Some(kind) = l.row {
                let Some(cache) = rows.as_deref_mut() else {
                    out.push(Src::Scalar(0.0));
                    continue;
                };
                if cache.row[i] != row {
                    let v = kernels::reduce_row(kind, &l.data[row * last..(row + 1) * last]);
                    cache.row[i] = row;
                    cache.value[i] = v;
                    cache.flags[i] |= u8::from(v.is_nan()) | (u8::from(v.is_infinite()) << 1);
                }
                out.push(Src::Scalar(cache.value[i]));
                continue;
            }
            if self.flat {
                out.push(if l.data.len() == 1 {
                    Src::Scalar(l.data[0])
                } else {
                    Src::Slice(&l.data[start..start + len])
                });
                continue;
            }
            // Offset of (row, col) in the leaf.
            let nd = self.shape.len();
            let mut r = row;
            let mut off = 0;
            for d in (0..nd - 1).rev() {
                let n = self.shape[d];
                off += (r % n) * l.strides[d];
                r /= n;
            }
            if l.strides[nd - 1] == 0 {
                out.push(Src::Scalar(l.data[off]));
            } else {
                off += col;
                out.push(Src::Slice(&l.data[off..off + len]));
            }
        }
    }
}

/// Borrow every leaf's view at once (nested `with_view` borrows).
fn with_views<R>(
    leaves: &[NdArray],
    acc: Vec<ArrayViewD<'_, f64>>,
    f: &mut dyn FnMut(&[ArrayViewD<'_, f64>]) -> R,
) -> Option<R> {
    match leaves.split_first() {
        None => Some(f(&acc)),
        Some((first, rest)) => first.with_view(|v| {
            let AView::Float(v) = v else { return None };
            let mut acc = acc;
            acc.push(v);
            with_views(rest, acc, f)
        }),
    }
}

fn run(prog: &Program, shape: &[usize], mode: Mode, dest: Option<NdArray>) -> Option<Value> {
    let out = with_views(&prog.leaves, Vec::new(), &mut |views| -> Option<(Value, Vec<u8>)> {
        let leaves: Vec<LeafSrc> = views
            .iter()
            .zip(&prog.leaf_rows)
            .map(|(v, r)| LeafSrc::new(v, shape, r.map(|r| r.kind)))
            .collect::<Option<_>>()?;
        let flat = prog.leaf_shapes.iter().all(|s| s == shape || s.iter().product::<usize>() == 1);
        let last = *shape.last()?;
        if !flat && last < 256 {
            return None;
        }
        let ready = Ready { leaves, shape: shape.to_vec(), flat };
        let n: usize = shape.iter().product();
        match mode {
            Mode::Sum => {
                let (s, flags) = sum_range(&prog.instrs, &ready, 0, n, parallel::worth_splitting(n));
                Some((Value::Scalar(Scalar::Float(0.0 + s)), flags))
            }
            Mode::Array if dest.is_some() => {
                let d = dest.clone()?;
                let flags = d.with_f64_base_mut(|out| fill_into(&prog.instrs, &ready, out))?;
                Some((Value::Array(d), flags))
            }
            Mode::Array => {
                let (out, flags) = fill(&prog.instrs, &ready, n);
                let arr = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(shape), out).ok()?;
                Some((Value::Array(NdArray::new(ArrayData::Float(arr))), flags))
            }
        }
    })??;
    let (value, flags) = out;
    // Warnings in the order the interpreter would raise them: a row sum's
    // before the operations after it.
    let k = prog.instrs.len();
    for (i, ins) in prog.instrs.iter().enumerate() {
        for (j, r) in prog.leaf_rows.iter().enumerate() {
            if r.is_some_and(|r| r.at == i && r.kind == RowReduce::Sum) {
                let f = flags.get(k + j).copied().unwrap_or(0);
                super::reduce::reduction_warnings(&prog.leaves[j], f & 1 != 0, f & 2 != 0);
            }
        }
        let name = match *ins {
            Instr::Un(u, _) => u.name(),
            Instr::Bin(a, _, _) => arith_name(a),
        };
        super::ufunc::report_flags(flags[i], name, false);
    }
    Some(value)
}

/// Per-thread scratch: one segment buffer per instruction but the last
/// (which writes into the caller's output).
struct Scratch<'a> {
    bufs: Vec<Vec<f64>>,
    srcs: Vec<Src<'a>>,
    /// Scratch for the next segment's sources.
    next: Vec<Src<'a>>,
    /// The data ranges to prefetch during this segment.
    ahead: Vec<&'a [f64]>,
    rows: RowCache,
    flags: Vec<u8>,
    /// Write the last instruction's results with streaming stores (a large
    /// result over an existing array, see `kernels::STREAM_MIN`).
    stream: bool,
}

impl Scratch<'_> {
    fn new(code: &[Instr], leaves: usize) -> Self {
        Scratch {
            bufs: vec![vec![0.0; SEG]; code.len().saturating_sub(1)],
            srcs: Vec::new(),
            next: Vec::new(),
            ahead: Vec::new(),
            rows: RowCache::new(leaves),
            flags: vec![0; code.len()],
            stream: false,
        }
    }

    /// The instructions' flags, then the row leaves' (see [`RowCache`]).
    fn all_flags(&self) -> Vec<u8> {
        let mut f = self.flags.clone();
        f.extend_from_slice(&self.rows.flags);
        f
    }

    /// OR this task's flags into the ones shared by all tasks.
    fn merge_flags_into(&self, shared: &std::sync::Mutex<Vec<u8>>) {
        let mut all = shared.lock().unwrap_or_else(|e| e.into_inner());
        for (a, f) in all.iter_mut().zip(&self.all_flags()) {
            *a |= f;
        }
    }
}

/// Evaluate output elements `[start, start + out.len())` (at most SEG) into `out`.
fn eval_range<'a>(code: &[Instr], ready: &Ready<'a>, start: usize, out: &mut [f64], sc: &mut Scratch<'a>) {
    let len = out.len();
    let last = *ready.shape.last().unwrap_or(&1);
    let mut done = 0;
    while done < len {
        let pos = start + done;
        let seg = if ready.flat { len - done } else { (len - done).min(last - pos % last) };
        ready.sources(pos, seg, &mut sc.srcs, Some(&mut sc.rows));
        ready.plan_prefetch(pos + seg, &mut sc.next, &mut sc.ahead);
        eval_segment(code, sc, &mut out[done..done + seg]);
        done += seg;
    }
}

fn eval_segment(code: &[Instr], sc: &mut Scratch<'_>, out: &mut [f64]) {
    let len = out.len();
    let k = code.len();
    for (i, ins) in code.iter().enumerate() {
        // The next segment's operands, a k-th before each instruction: a
        // whole segment's worth at once overflows the core's outstanding-
        // miss slots and stalls it until memory answers (about 5% of a
        // one-thread cross-entropy).
        for d in &sc.ahead {
            super::simd::prefetch(&d[d.len() * i / k..d.len() * (i + 1) / k]);
        }
        let (before, rest) = sc.bufs.split_at_mut(i);
        let dst: &mut [f64] = if i + 1 == k { &mut *out } else { &mut rest[0][..len] };
        let src = |o: Opnd| -> Src<'_> {
            match o {
                Opnd::Leaf(j) => sc.srcs[j],
                Opnd::Const(c) => Src::Scalar(c),
                Opnd::Tmp(j) => Src::Slice(&before[j][..len]),
            }
        };
        let last = i + 1 == k;
        let f = match *ins {
            Instr::Bin(op, a, b) if last && sc.stream => {
                super::simd::binary_streamed_into(op.code(), src(a), src(b), dst)
                    .unwrap_or_else(|| kernels::binary_slices(op, src(a), src(b), dst))
            }
            Instr::Bin(op, a, b) => kernels::binary_slices(op, src(a), src(b), dst),
            Instr::Un(u, x) => unary_segment(u, src(x), dst),
        };
        sc.flags[i] |= f;
    }
}

fn unary_segment(u: Un, x: Src, dst: &mut [f64]) -> u8 {
    let xs: &[f64] = match x {
        Src::Slice(s) => s,
        Src::Scalar(v) => {
            let mut one = [0.0];
            let f = unary_segment(u, Src::Slice(&[v]), &mut one);
            dst.fill(one[0]);
            return f;
        }
    };
    match u {
        Un::Exp => super::transcendental::exp_slice(xs, dst).bits(),
        Un::Log => super::transcendental::log_slice(xs, dst).bits(),
        Un::Neg => {
            for (o, &v) in dst.iter_mut().zip(xs) {
                *o = -v;
            }
            0
        }
        Un::Sqrt => {
            let mut flags = 0;
            for (o, &v) in dst.iter_mut().zip(xs) {
                let r = v.sqrt();
                if r.is_nan() && !v.is_nan() {
                    flags = kernels::FLAG_INVALID;
                }
                *o = r;
            }
            flags
        }
    }
}

/// NumPy's pairwise sum of the fused values over `[start, start + len)`:
/// subtrees of at most SEG elements are evaluated into a buffer and summed
/// by the pairwise kernel; larger ones split exactly where
/// `reduce::pairwise_sum` splits.
fn sum_range(code: &[Instr], ready: &Ready<'_>, start: usize, len: usize, par: bool) -> (f64, Vec<u8>) {
    let leaf = |s: usize, n: usize| -> (f64, Vec<u8>) {
        let mut sc = Scratch::new(code, ready.leaves.len());
        let mut buf = vec![0.0; SEG];
        let v = sum_seq(code, ready, start + s, n, &mut sc, &mut buf);
        (v, sc.all_flags())
    };
    if !par {
        return leaf(0, len);
    }
    parallel::pairwise_parallel(len, 1 << 16, &leaf, or_flags)
}

fn or_flags(a: Vec<u8>, b: Vec<u8>) -> Vec<u8> {
    if a.is_empty() {
        return b;
    }
    a.iter().zip(b.iter().chain(std::iter::repeat(&0))).map(|(x, y)| x | y).collect()
}

fn sum_seq<'a>(
    code: &[Instr],
    ready: &Ready<'a>,
    start: usize,
    len: usize,
    sc: &mut Scratch<'a>,
    buf: &mut [f64],
) -> f64 {
    if len <= SEG {
        eval_range(code, ready, start, &mut buf[..len], sc);
        return super::simd::pairwise(super::simd::level(), &buf[..len]);
    }
    let mut h = len / 2;
    h -= h % 8;
    let a = sum_seq(code, ready, start, h, sc, buf);
    let b = sum_seq(code, ready, start + h, len - h, sc, buf);
    a + b
}

/// Evaluate the whole output (each element written once, into memory that
/// is not zero-filled first), on two threads when large.
fn fill(code: &[Instr], ready: &Ready<'_>, n: usize) -> (Vec<f64>, Vec<u8>) {
    let flags = std::sync::Mutex::new(vec![0u8; code.len() + ready.leaves.len()]);
    let per_task = if parallel::worth_splitting(n) { SEG * 16 } else { n };
    let (out, _) = super::simd::fill_uninit(n, per_task, &|start, len, sink: &mut dyn FnMut(&[f64])| {
        let mut sc = Scratch::new(code, ready.leaves.len());
        let mut buf = vec![0.0; SEG];
        let mut done = 0;
        while done < len {
            let l = SEG.min(len - done);
            eval_range(code, ready, start + done, &mut buf[..l], &mut sc);
            sink(&buf[..l]);
            done += l;
        }
        sc.merge_flags_into(&flags);
        0
    });
    (out, flags.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Evaluate the whole output into `out` (an existing array's elements), on
/// two threads when large. Every task runs even after Ctrl-C (see
/// [`MAX_INPLACE_WORK`]).
fn fill_into(code: &[Instr], ready: &Ready<'_>, out: &mut [f64]) -> Vec<u8> {
    let flags = std::sync::Mutex::new(vec![0u8; code.len() + ready.leaves.len()]);
    let per_task = if parallel::worth_splitting(out.len()) { SEG * 16 } else { out.len().max(1) };
    let stream = out.len() >= kernels::STREAM_MIN;
    let pieces: Vec<std::sync::Mutex<&mut [f64]>> = out.chunks_mut(per_task).map(std::sync::Mutex::new).collect();
    parallel::run_all_tasks(pieces.len(), &|i| {
        let mut piece = pieces[i].lock().unwrap_or_else(|e| e.into_inner());
        let mut sc = Scratch::new(code, ready.leaves.len());
        sc.stream = stream;
        for (j, seg) in piece.chunks_mut(SEG).enumerate() {
            eval_range(code, ready, i * per_task + j * SEG, seg, &mut sc);
        }
        sc.merge_flags_into(&flags);
    });
    flags.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::reduce::pairwise_sum;

    fn base_of(s: &crate::Session, name: &str) -> usize {
        match s.globals.get(name) {
            Some(Value::Array(a)) => a.base_id(),
            other => panic!("{name} is {other:?}"),
        }
    }

    fn run(s: &mut crate::Session, src: &str) {
        let out = s.run_cell(src);
        assert!(out.error.is_none(), "{src}: {:?}", out.error.map(|e| e.line()));
    }

    /// `NAME = <fused>` writes over NAME's array exactly when nothing else
    /// refers to it, and the values are those of a fresh evaluation.
    #[test]
    fn rebinding_reuses_only_an_unshared_array() {
        let mut s = crate::Session::new();
        run(&mut s, "z = np.random.rand(300, 400)\ne = np.exp(z - z.max(axis=1, keepdims=True))");
        let e0 = base_of(&s, "e");
        run(&mut s, "e = np.exp(z - z.max(axis=1, keepdims=True)) * 2");
        assert_eq!(base_of(&s, "e"), e0, "reused");
        run(&mut s, "ok = np.array_equal(e, np.exp(z - z.max(axis=1, keepdims=True)) * 2)");
        assert!(matches!(s.globals.get("ok"), Some(Value::Bool(true) | Value::Scalar(Scalar::Bool(true)))));
        run(&mut s, "c = z + 1");
        let c0 = base_of(&s, "c");
        run(&mut s, "c = z * 2");
        assert_eq!(base_of(&s, "c"), c0, "one operation reuses too");
        for (setup, stmt) in [
            ("old = e", "e = z + 1"),                     // another name
            ("v = e[0]", "e = z + 1"),                    // a view
            ("box = [e]", "e = z + 1"),                   // a container
            ("", "e = np.exp(e)"),                        // read by the expression
            ("", "e = z - e.max(axis=1, keepdims=True)"), // a row leaf
            ("", "e = np.ones(5) + 1"),                   // another shape
        ] {
            run(&mut s, setup);
            let before = base_of(&s, "e");
            run(&mut s, stmt);
            assert_ne!(base_of(&s, "e"), before, "{setup}; {stmt}");
        }
        // An int64 array of the same shape is not written over.
        run(&mut s, "k = np.zeros((300, 400), dtype=np.int64)");
        let k0 = base_of(&s, "k");
        run(&mut s, "k = z + 1\nok = k.dtype == np.float64");
        assert_ne!(base_of(&s, "k"), k0);
        assert!(matches!(s.globals.get("ok"), Some(Value::Bool(true))));
    }

    /// A result large enough to be streamed over the array it replaces
    /// (`kernels::STREAM_MIN`) has the values of a fresh evaluation.
    #[test]
    fn streamed_rebinding_gives_fresh_values() {
        let mut s = crate::Session::new();
        run(&mut s, "a = np.arange(2**21 + 13) * 0.75\nb = np.arange(2**21 + 13) % 7 - 3.0\nc = a * 1.0");
        let c0 = base_of(&s, "c");
        run(&mut s, "c = a / b - a");
        assert_eq!(base_of(&s, "c"), c0, "written over c");
        run(&mut s, "ok = np.array_equal(c, (a / b) - np.array(a), equal_nan=True)");
        assert!(matches!(s.globals.get("ok"), Some(Value::Bool(true) | Value::Scalar(Scalar::Bool(true)))));
    }

    /// The fused sum walks the same tree as `pairwise_sum` for every size:
    /// here with the identity program (x + 0), compared to the plain sum.
    #[test]
    fn fused_sum_equals_pairwise_sum() {
        let mut s = 0x853c_49e6_748f_ea9bu64;
        let xs: Vec<f64> = (0..400_000)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.25) * (1.0 + (s % 1000) as f64)
            })
            .collect();
        for &n in &[1usize, 7, 8, 129, 2047, 2048, 2049, 4096, 4097, 65_536, 65_537, 100_003, 262_147, 400_000] {
            let arr = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[n]), xs[..n].to_vec()).unwrap();
            let prog = Program {
                instrs: vec![Instr::Bin(Arith::Add, Opnd::Leaf(0), Opnd::Const(0.0))],
                leaves: vec![NdArray::new(ArrayData::Float(arr))],
                leaf_shapes: vec![vec![n]],
                leaf_rows: vec![None],
            };
            for par in [false, true] {
                let got = with_views(&prog.leaves, Vec::new(), &mut |views| {
                    let ready = Ready {
                        leaves: vec![LeafSrc::new(&views[0], &[n], None).unwrap()],
                        shape: vec![n],
                        flat: true,
                    };
                    sum_range(&prog.instrs, &ready, 0, n, par).0
                })
                .unwrap();
                assert_eq!(got.to_bits(), pairwise_sum(&xs[..n]).to_bits(), "n={n} par={par}");
            }
        }
    }
}
